"""Where the service's code may reach the database: SQLAlchemy only in the table
definitions (``models.py``) and the migrations; the routers (``api/``) import neither
asyncpg, SQLAlchemy nor the kit's database package (they take ``Write`` and ``Db``)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SERVICE = Path(__file__).resolve().parents[2] / "services" / "prediction"
# ml/ is the offline training code (``make train``), not run by the service's requests.
OFFLINE = ("migrations", "ml")


def imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def modules(under: Path) -> list[Path]:
    return sorted(p for p in under.rglob("*.py") if p.relative_to(SERVICE).parts[0] not in OFFLINE)


def reaches(names: set[str], package: str) -> bool:
    return any(name == package or name.startswith(package + ".") for name in names)


@pytest.mark.parametrize("path", modules(SERVICE), ids=lambda p: str(p.relative_to(SERVICE)))
def test_sqlalchemy_only_describes_the_tables(path: Path) -> None:
    if path.name != "models.py":
        assert not reaches(imported(path), "sqlalchemy")


@pytest.mark.parametrize("path", modules(SERVICE / "api"), ids=lambda p: p.name)
def test_routers_reach_the_database_only_through_the_kit_dependencies(path: Path) -> None:
    names = imported(path)
    assert not any(reaches(names, package) for package in ("asyncpg", "sqlalchemy", "pamtalk.db"))
