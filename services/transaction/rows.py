"""Trades as plain rows on the hot paths: SQL run on the session's asyncpg connection
(prepared once per connection by asyncpg), and rows turned straight into the JSON of
``schemas.TradeOut`` without ORM loading or pydantic validation (the rows are our own).

A trade row is a dict of the columns in ``COLUMNS``: the fields of ``TradeOut`` in its
order, then what events need besides (``producer_wallet``). ``item`` makes the response
item of it, ``dumps`` writes JSON as pydantic would (decimals as strings, UTC times with
``Z``); ``tests/transaction/test_rows.py`` holds the two to the same bytes."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import asyncpg
import orjson
from fastapi import Request
from sqlalchemy import text
from sqlalchemy.dialects.postgresql import asyncpg as asyncpg_dialect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.util import greenlet_spawn
from starlette.responses import Response

from pamtalk.db.database import Database
from services.transaction.models import Trade
from services.transaction.schemas import ReviewFlag, TradeOut

TABLE: str = Trade.__table__.fullname  # type: ignore[attr-defined]
FIELDS = tuple(TradeOut.model_fields)  # the response item, in its order
COLUMNS = (*FIELDS, "producer_wallet")
SELECT = f"SELECT {', '.join(COLUMNS)} FROM {TABLE}"
# One trade, read from the one partition its id's time points to (see ``ids.py``).
ONE = f"{SELECT} WHERE id = $1 AND created_at = $2"

TradeRow = dict[str, Any]
_DIALECT = asyncpg_dialect.dialect()


@dataclass(frozen=True)
class Sql:
    """A statement written with ``:name`` parameters, compiled once to asyncpg's ``$1, $2``."""

    text: str
    names: tuple[str, ...]  # the names of $1, $2, ... in order

    def args(self, values: Mapping[str, Any]) -> tuple[Any, ...]:
        return tuple(values[name] for name in self.names)


def sql(statement: str) -> Sql:
    compiled = text(statement).compile(dialect=_DIALECT)
    return Sql(compiled.string, tuple(compiled.positiontup or ()))


@asynccontextmanager
async def reading(request: Request) -> AsyncIterator[asyncpg.Connection]:
    """An asyncpg connection from the service's pool, for reads (no session: each statement
    commits by itself, as in ``ReadSession``, for a fifth of its CPU)."""
    db: Database = request.app.state.runtime.db
    pooled = await db.engine.raw_connection()
    conn: asyncpg.Connection = pooled.driver_connection
    try:
        yield conn
    finally:
        if conn.is_closed():  # lost: dropped (the pool opens a new one next time)
            await greenlet_spawn(pooled.invalidate)
        else:  # back to the pool (its reset may talk to the server)
            await greenlet_spawn(pooled.close)


async def driver(session: AsyncSession) -> asyncpg.Connection:
    """The asyncpg connection under a session. Only for reads: a transaction's ``BEGIN``
    is sent with its first SQLAlchemy statement, so a write here could run outside it, and
    database errors would not be the ``DBAPIError`` the problem handlers map."""
    connection = await session.connection()
    raw = await connection.get_raw_connection()
    conn: asyncpg.Connection = raw.driver_connection
    return conn


def trade_row(values: Iterable[Any]) -> TradeRow:
    """A row of ``COLUMNS`` (an asyncpg record or a SQLAlchemy row) as a dict."""
    return dict(zip(COLUMNS, values, strict=True))


def item(trade: Mapping[str, Any], admin: bool) -> dict[str, Any]:
    """The ``TradeOut`` item of a trade row; the anomaly flag is shown to admins only."""
    out = {name: trade[name] for name in FIELDS}
    review = out["review"]
    if review is not None:
        out["review"] = ReviewFlag.model_validate(review).model_dump(mode="json") if admin else None
    return out


def _default(value: Any) -> str:
    # Decimals as strings (as pydantic writes them); asyncpg's own UUID class, which orjson
    # does not take for a ``uuid.UUID``
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def dumps(value: Any) -> bytes:
    return orjson.dumps(value, default=_default, option=orjson.OPT_UTC_Z)


def json_response(body: Any, status_code: int = 200, headers: Mapping[str, str] | None = None) -> Response:
    return Response(dumps(body), status_code=status_code, headers=headers, media_type="application/json")
