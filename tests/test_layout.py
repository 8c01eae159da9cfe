"""Where code may reach the database: SQLAlchemy describes the tables and runs the migrations,
and nothing else of it runs. In the services it is imported only by ``models.py`` and the
migrations; in the kit only by the modules that define tables (outbox, inbox, idempotency
keys, the schema's metadata) or name their type, and by the migration runner. Every
statement at run time goes through ``pamtalk.db`` (checked here; the routers' side is an
import-linter contract in pyproject.toml)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
KIT_TABLE_MODULES = {
    "pamtalk/db/schema.py",
    "pamtalk/db/outbox.py",
    "pamtalk/db/inbox.py",
    "pamtalk/db/migrations.py",
    "pamtalk/idempotency.py",
    "pamtalk/app.py",  # ServiceDefinition.outbox: a Table
    "pamtalk/runtime.py",
}
SESSION_NAMES = {"AsyncSession", "async_sessionmaker", "sessionmaker", "Session", "select", "insert"}


def imported(path: Path) -> dict[str, set[str]]:
    """Module -> the names imported from it."""
    found: dict[str, set[str]] = {}
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                found.setdefault(alias.name, set())
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.setdefault(node.module, set()).update(alias.name for alias in node.names)
    return found


def code() -> list[Path]:
    paths = [*ROOT.glob("pamtalk/**/*.py"), *ROOT.glob("services/**/*.py")]
    return sorted(p for p in paths if "migrations" not in p.relative_to(ROOT).parts)


@pytest.mark.parametrize("path", code(), ids=lambda p: str(p.relative_to(ROOT)))
def test_sqlalchemy_only_describes_tables(path: Path) -> None:
    where = str(path.relative_to(ROOT))
    modules = imported(path)
    from_sqlalchemy = {m: names for m, names in modules.items() if m.split(".")[0] == "sqlalchemy"}
    if not from_sqlalchemy:
        return
    assert path.name == "models.py" or where in KIT_TABLE_MODULES, (
        f"{where} imports {sorted(from_sqlalchemy)}"
    )
    used = set().union(*from_sqlalchemy.values())
    assert not used & SESSION_NAMES, f"{where} imports {sorted(used & SESSION_NAMES)}"
    if where != "pamtalk/db/migrations.py":
        assert "sqlalchemy.ext.asyncio" not in from_sqlalchemy, where
