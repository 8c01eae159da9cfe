"""The store's SQL against the migrated schema: every statement is valid there (PostgreSQL
prepares it, checking each table and column it names), a trade read shows and an opening
writes columns of ``transactions`` (every one a trade cannot do without), and a farm snapshot
writes every column of the read model but the time it was first received."""

from __future__ import annotations

import itertools

import pytest

from pamtalk.db.folded import Fold
from pamtalk.db.statements import Sql, sql
from services.transaction import lifecycle
from services.transaction.items import FIELDS
from services.transaction.models import STATUSES
from services.transaction.store import farms, market, trades
from tests.transaction.conftest import Api

pytestmark = pytest.mark.integration
COLUMNS_OF = sql(
    "SELECT column_name, is_nullable = 'NO' AND column_default IS NULL AS required "
    "FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = :table"
)
MOVES = [getattr(lifecycle, name) for name in ("CONFIRM", "SETTLE", "CANCEL", "CLEAR", "REVIEW_CANCEL")]


def statements() -> list[Sql]:
    """Every statement the store runs: its constants, every page shape and every move."""
    found = [value for module in (trades, farms, market) for value in vars(module).values()]
    found += [statement for value in found if isinstance(value, Fold) for statement in value.statements]
    pages = [
        trades.page_statement(scope, tuple(given), status)
        for scope, status in itertools.product(trades.SCOPES, (None, *STATUSES))
        for n in range(len(trades.FILTERS) + 1)
        for given in itertools.combinations(trades.FILTERS, n)
    ]
    moves = [trades.move_statement(move.to, move.sources, admin) for move in MOVES for admin in (False, True)]
    return [statement for statement in found if isinstance(statement, Sql)] + pages + moves


async def test_every_statement_of_the_store_is_valid_on_the_schema(trade_api: Api) -> None:
    _, app = trade_api
    checked = statements()
    assert len(checked) > 300
    async with app.state.runtime.db.read() as read:
        for statement in checked:
            await read.conn.prepare(statement.text)  # raises on an unknown table or column


async def columns_of(api: Api, table: str) -> dict[str, bool]:
    """The table's columns, and whether each must be given (NOT NULL, no default)."""
    async with api[1].state.runtime.db.read() as read:
        return {row["column_name"]: row["required"] for row in await read.fetch(COLUMNS_OF, table=table)}


async def test_trade_columns_are_the_tables(trade_api: Api) -> None:
    columns = await columns_of(trade_api, "transactions")
    assert set(trades.COLUMNS) <= set(columns)
    assert {name for name, required in columns.items() if required} <= set(trades.OPENED) <= set(columns)
    assert set(FIELDS) <= set(trades.SHOWN)  # every field of a response item is read


async def test_a_farm_snapshot_writes_every_column_of_the_read_model(trade_api: Api) -> None:
    columns = await columns_of(trade_api, "farms")
    assert {"farm_id", *farms.FROM_SNAPSHOT} == set(columns) - {"received_at"}
    assert all(f"excluded.{name}" in farms.APPLY.body for name in farms.FROM_SNAPSHOT)
