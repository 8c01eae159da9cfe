"""What a service's code holds while it talks to its database: a ``Read`` or a ``Tx``.

Both run the statements of ``pamtalk.db.statements`` with their values by name::

    rows = await read.fetch(PAGE, region="Jeonnam", limit=21)

A ``Read`` (``Database.read``) sends no ``BEGIN``: each statement commits on its own (a
``consistent`` read is one read-only snapshot). A ``Tx`` (``Database.write``) is one
transaction: committed when its block ends, rolled back if it raises. It also queues events
in the service's outbox (``add_event``, the same transaction as the change) and keeps
``after_commit`` hooks (cache invalidation, live announcements), run once the commit has
succeeded and never after a rollback.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any

import asyncpg
import orjson
from opentelemetry import propagate

from pamtalk.context import request_id_var
from pamtalk.db.statements import Sql, sql
from pamtalk.events.envelope import Envelope, Event

log = logging.getLogger("pamtalk.db")
Hook = Callable[[], Awaitable[None] | None]

# The outbox row of an event (every service's outbox has this shape: pamtalk.db.outbox).
# The JSON columns take text (pydantic and orjson write it), cast by the database.
OUTBOX_INSERT = sql(
    "INSERT INTO outbox (event_id, routing_key, envelope, headers, created_at) "
    "VALUES (:event_id, :routing_key, CAST(:envelope AS jsonb), CAST(:headers AS jsonb), :created_at)"
)


def is_dead(conn: asyncpg.Connection) -> bool:
    """Whether a pooled connection was lost (closed, or handed back by the pool once closed)."""
    try:
        return bool(conn.is_closed())
    except asyncpg.InterfaceError:  # the pool took it back when it closed
        return True


def unusable(conn: asyncpg.Connection, error: BaseException) -> bool:
    """Whether ``error``, raised by the first use of a pooled connection, says the connection
    (not the statement) is gone: it is closed, or it is caught between the server's "terminating
    connection" notice and the close that follows (asyncpg: ``cannot switch to state ...;
    another operation ... is in progress``, an ``InternalClientError``: seen when PostgreSQL
    restarted under load)."""
    return is_dead(conn) or isinstance(error, asyncpg.InternalClientError)


class Read:
    """Statements on one pooled connection, outside a transaction (or in a read-only one)."""

    __slots__ = ("conn", "replace", "role")

    def __init__(self, conn: asyncpg.Connection, role: str = "primary") -> None:
        self.conn = conn
        self.role = role
        # Until a statement has run: gives a new connection for one found dead (``Database.read``).
        self.replace: Callable[[asyncpg.Connection], Awaitable[asyncpg.Connection]] | None = None

    async def _run(self, method: str, stmt: Sql, values: Mapping[str, Any]) -> Any:
        args = stmt.args(values)
        try:
            result = await getattr(self.conn, method)(stmt.text, *args)
        except Exception as error:
            if self.replace is None or not unusable(self.conn, error):
                raise
            replace, self.replace = self.replace, None
            self.conn = await replace(self.conn)  # it was dead before this statement: send it again
            result = await getattr(self.conn, method)(stmt.text, *args)
        self.replace = None
        return result

    async def fetch(self, stmt: Sql, **values: Any) -> list[asyncpg.Record]:
        rows: list[asyncpg.Record] = await self._run("fetch", stmt, values)
        return rows

    async def fetchrow(self, stmt: Sql, **values: Any) -> asyncpg.Record | None:
        row: asyncpg.Record | None = await self._run("fetchrow", stmt, values)
        return row

    async def fetchval(self, stmt: Sql, **values: Any) -> Any:
        return await self._run("fetchval", stmt, values)

    async def execute(self, stmt: Sql, **values: Any) -> str:
        status: str = await self._run("execute", stmt, values)
        return status

    async def executemany(self, stmt: Sql, rows: Iterable[Mapping[str, Any]]) -> None:
        await self.conn.executemany(stmt.text, [stmt.args(row) for row in rows])


class Tx(Read):
    """One transaction of the service's database (see ``Database.write``)."""

    __slots__ = ("_hooks", "events", "producer")

    def __init__(self, conn: asyncpg.Connection, producer: str) -> None:
        super().__init__(conn, "primary")
        self.producer = producer
        self.events = 0  # queued in this transaction's outbox
        self._hooks: list[Hook] = []

    async def add_event(self, event: Event) -> Envelope:
        """Queue ``event`` in the outbox, in this transaction; the relay publishes it once
        the transaction has committed (and never if it rolls back)."""
        envelope = Envelope.wrap(event, self.producer)
        headers: dict[str, str] = {}
        propagate.inject(headers)  # the trace follows the event through the broker
        if rid := request_id_var.get():
            headers["x-request-id"] = rid
        await self.conn.execute(
            OUTBOX_INSERT.text,
            envelope.event_id,
            envelope.type,
            envelope.model_dump_json(),
            orjson.dumps(headers).decode(),
            envelope.occurred_at,
        )
        self.events += 1
        return envelope

    def after_commit(self, hook: Hook) -> None:
        """Run ``hook`` (a function, sync or async) once this transaction has committed."""
        self._hooks.append(hook)

    async def run_after_commit(self) -> None:
        """Called by ``Database.write`` after the commit: every hook runs, in order; one that
        fails is logged (the change is committed either way) and the others still run."""
        for hook in self._hooks:
            try:
                result = hook()
                if inspect.isawaitable(result):
                    await result
            except Exception:
                log.exception("after-commit hook failed", extra={"hook": getattr(hook, "__qualname__", "")})
        self._hooks.clear()
