"""A pooled connection of a service's database: the URL asyncpg takes, what every connection
is set up with (JSON codecs) and given back as (no reset query), which failures to open one may
be tried again, and how a transaction begins on it - a read's snapshot (``Held``) and a write's
transaction (``begin_write``: asyncpg's, or one whose commit need not be durable). The
``Database`` of ``pamtalk.db.database`` uses them."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import asyncpg
import orjson
from asyncpg.transaction import Transaction

# A new connection that failed because the server is not there for a moment: refused, reset,
# "the database system is shutting down / starting up" (57P01, 57P03), lost while opening.
# Nothing was sent on it, so trying again is always safe.
CONNECT_FAILED: tuple[type[Exception], ...] = (
    OSError,
    asyncpg.PostgresConnectionError,
    asyncpg.exceptions.OperatorInterventionError,
    asyncpg.InterfaceError,
)


def dsn(url: str) -> str:
    """A libpq URL for asyncpg from any of ours (``postgresql+asyncpg://`` as Alembic takes)."""
    for prefix in ("postgresql+asyncpg://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql://" + url[len(prefix) :]
    return url


def _text(value: str) -> str:
    return value


_LONG_NUMBER = re.compile(r"\d{19,}")


def decode_json(text: str) -> Any:
    """orjson, except for text holding a number of 19 digits or more: orjson reads integers
    beyond 64 bits as floats, and amounts must come back exact."""
    if _LONG_NUMBER.search(text):
        return json.loads(text)
    return orjson.loads(text)


async def keep_session(conn: asyncpg.Connection) -> None:
    """A connection goes back to the pool as it is. asyncpg's default reset sends a query
    (``RESET ALL``, ``UNLISTEN *``, ...) on every release: a round trip per request for state
    this platform never sets. Session state is never changed here (``SET LOCAL`` and
    ``pg_advisory_xact_lock`` end with their transaction), and asyncpg still rolls back a
    transaction left open before calling this."""


async def setup(conn: asyncpg.Connection) -> None:
    """Per connection: JSON columns take JSON text and give Python values (orjson)."""
    for name in ("json", "jsonb"):
        await conn.set_type_codec(
            name, encoder=_text, decoder=decode_json, schema="pg_catalog", format="text"
        )


@dataclass
class Held:
    """The connection a read holds, its pool, and its read-only snapshot if it wants one."""

    pool: asyncpg.Pool
    conn: asyncpg.Connection
    consistent: bool
    snapshot: Transaction | None = None

    @classmethod
    async def begin(cls, pool: asyncpg.Pool, conn: asyncpg.Connection, consistent: bool) -> Held:
        """Its snapshot begun; the connection goes back to ``pool`` if that fails."""
        held = cls(pool, conn, consistent)
        try:
            await held.start()
        except BaseException:
            await pool.release(conn)
            raise
        return held

    async def start(self) -> None:
        if self.consistent:
            self.snapshot = self.conn.transaction(isolation="repeatable_read", readonly=True)
            await self.snapshot.start()


class _NotDurable:
    """A transaction whose commit does not wait for the disk: its ``BEGIN`` and its ``SET LOCAL
    synchronous_commit`` sent as one simple query, in one round trip (asyncpg's ``Transaction``
    sends the ``BEGIN`` alone). The interface of asyncpg's ``Transaction`` that ``write`` uses."""

    __slots__ = ("conn", "text")

    def __init__(self, conn: asyncpg.Connection, isolation: str | None) -> None:
        self.conn = conn
        level = f" ISOLATION LEVEL {isolation.replace('_', ' ').upper()}" if isolation else ""
        self.text = f"BEGIN{level}; SET LOCAL synchronous_commit TO off"

    async def start(self) -> None:
        await self.conn.execute(self.text)

    async def commit(self) -> None:
        await self.conn.execute("COMMIT")

    async def rollback(self) -> None:
        await self.conn.execute("ROLLBACK")


def begin_write(conn: asyncpg.Connection, isolation: str | None, durable: bool) -> Transaction | _NotDurable:
    """A write's transaction, not begun yet: asyncpg's, or one whose commit need not be durable."""
    return conn.transaction(isolation=isolation) if durable else _NotDurable(conn, isolation)
