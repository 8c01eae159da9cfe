"""The store's statements match the tables the migrations build: every statement of every
``store/`` module (each shape of the dynamic ones included) prepares against the migrated
schema, names its columns, and every INSERT gives each column that has no default."""

from __future__ import annotations

import re
from types import ModuleType

import pytest
from sqlalchemy import Table

from pamtalk.db.statements import Sql
from services.blockchain.models import Base
from services.blockchain.store import anchors, assessments, ledger, redemptions, wallets
from tests.blockchain.conftest import Api

MODULES = (anchors, assessments, ledger, redemptions, wallets)
INSERT = re.compile(r"INSERT INTO (\w+)(?: AS \w+)? \(([^)]*)\)")


def statements(module: ModuleType) -> list[Sql]:
    found: list[Sql] = []
    for value in vars(module).values():
        if isinstance(value, Sql):
            found.append(value)
        elif isinstance(value, dict):  # statements built once per shape
            found += [v for v in value.values() if isinstance(v, Sql)]
    return found


ALL = [stmt for module in MODULES for stmt in statements(module)]


def required(table: Table) -> set[str]:
    """Columns an INSERT must give: not nullable, no server default, not generated."""
    return {
        c.name
        for c in table.columns
        if not c.nullable and c.server_default is None and c is not table.autoincrement_column
    }


def test_every_store_module_has_its_statements() -> None:
    assert all(statements(m) for m in MODULES)
    assert len(ledger.ENTRY_PAGES) == 4 and all(s in ALL for s in ledger.ENTRY_PAGES.values())


@pytest.mark.parametrize("stmt", ALL, ids=lambda s: s.text[:60])
def test_columns_are_named(stmt: Sql) -> None:
    assert not re.search(r"SELECT \*(?! FROM unnest)", stmt.text), "name the columns"
    assert not re.search(r"\bblockchain_svc\.", stmt.text), "tables are named without their schema"


@pytest.mark.parametrize(
    "stmt", [s for s in ALL if s.text.startswith(("INSERT", "WITH"))], ids=lambda s: s.text[:60]
)
def test_inserts_give_every_column_without_a_default(stmt: Sql) -> None:
    for table_name, columns in INSERT.findall(stmt.text):
        table = Base.metadata.tables[f"blockchain_svc.{table_name}"]
        given = {c.strip().strip('"') for c in columns.split(",")}
        assert given <= set(table.columns.keys()), given - set(table.columns.keys())
        assert required(table) <= given, f"{table_name}: {required(table) - given} not given"


@pytest.mark.integration
async def test_every_statement_prepares_against_the_migrated_schema(ledger_api: Api) -> None:
    _, app = ledger_api
    async with app.state.runtime.db.read() as read:
        for stmt in ALL:
            prepared = await read.conn.prepare(stmt.text)
            assert len(prepared.get_parameters()) == len(stmt.names), stmt.text
