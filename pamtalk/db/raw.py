"""Plain SQL on the hot paths: statements written once, run on the service pool's asyncpg
connections (asyncpg prepares each once per connection), rows used as they come.

A SQLAlchemy session and ORM loading cost several times the CPU of the statement itself
(measured per service in docs/performance.md); where a path is hot and its rows are the
service's own, ``reading`` / ``driver`` hand out the driver connection instead. Writes go
through the session (``driver`` is for statements after the session's first: its ``BEGIN``
is sent with that one), so transactions, rollbacks and the kit's mapping of database errors
to problem responses stay as they are."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import asyncpg
from sqlalchemy import text
from sqlalchemy.dialects.postgresql import asyncpg as asyncpg_dialect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import ClauseElement
from sqlalchemy.util import greenlet_spawn

from pamtalk.db.database import Database

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


def core_sql(statement: ClauseElement, *, inline: bool = True) -> str:
    """SQL text of a Core statement for asyncpg: its values inlined, or its bound
    parameters as ``$1``, ``$2``... in order (``inline=False``)."""
    return str(statement.compile(dialect=_DIALECT, compile_kwargs={"literal_binds": inline}))


@asynccontextmanager
async def reading(db: Database) -> AsyncIterator[asyncpg.Connection]:
    """A connection of the pool for reads, without a session. No ``BEGIN`` is sent: each
    statement commits on its own, as with the kit's ``ReadSession``. A connection found
    closed (server restart, network) is dropped from the pool instead of returned."""
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
    """The asyncpg connection under ``session``, inside its transaction once the session has
    run a statement. A connection lost meanwhile is the session's to drop (its rollback
    fails on it, which invalidates it)."""
    connection = await session.connection()
    raw = await connection.get_raw_connection()
    conn: asyncpg.Connection = raw.driver_connection
    return conn
