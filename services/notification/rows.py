"""Notifications as plain rows for the hot read paths: the SQL (written once, prepared once
per connection by asyncpg), run on a pooled asyncpg connection, and the rows turned
straight into JSON-ready dicts (no ORM loading, no pydantic validation).

An item has the fields, in the order, of ``schemas.NotificationOut``; ``dumps`` writes it
as pydantic would (UTC times with ``Z``)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
import orjson
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.util.concurrency import greenlet_spawn

from pamtalk.db.database import Database
from services.notification.models import Notification

Item = dict[str, Any]  # JSON-ready, the fields of ``schemas.NotificationOut``
TABLE = Notification.__table__.fullname  # type: ignore[attr-defined]
# ``data`` as text: orjson parses it faster than the driver's json codec would.
COLUMNS = "id, kind, title, body, data::text, created_at, read_at"
# Cursor pages go down the (user_id, id) indexes: ``id <= $2`` is an index condition.
NEWEST = f"SELECT {COLUMNS} FROM {TABLE} WHERE user_id = $1 AND id <= $2 ORDER BY id DESC LIMIT $3"
NEWEST_UNREAD = (
    f"SELECT {COLUMNS} FROM {TABLE} WHERE user_id = $1 AND id <= $2 AND read_at IS NULL "
    "ORDER BY id DESC LIMIT $3"
)
AFTER = f"SELECT {COLUMNS} FROM {TABLE} WHERE user_id = $1 AND id > $2 ORDER BY id LIMIT $3"
ONE = f"SELECT {COLUMNS} FROM {TABLE} WHERE id = $1 AND user_id = $2"
LATEST_ID = f"SELECT coalesce(max(id), 0) FROM {TABLE} WHERE user_id = $1"
UNREAD_COUNT = f"SELECT count(*) FROM {TABLE} WHERE user_id = $1 AND read_at IS NULL"


@asynccontextmanager
async def reading(db: Database) -> AsyncIterator[asyncpg.Connection]:
    """A pooled connection for reads, without a session (a session and its transaction
    bookkeeping cost more CPU than the read itself). No BEGIN is sent: each statement
    commits on its own, as with the kit's ``ReadSession``."""
    pooled = await db.engine.raw_connection()
    conn: asyncpg.Connection = pooled.driver_connection
    try:
        yield conn
    except Exception:
        if conn.is_closed():  # lost (server restart, network): not back into the pool
            await greenlet_spawn(pooled.invalidate)
        raise
    finally:
        if pooled.dbapi_connection is not None:
            await greenlet_spawn(pooled.close)


async def driver(session: AsyncSession) -> asyncpg.Connection:
    """The asyncpg connection under the session, for a statement in the session's
    transaction: use it after a statement of the session (asyncpg sends BEGIN with the
    session's first statement). Lost connections are then the session's to drop: its
    rollback fails on them, which invalidates them."""
    connection = await session.connection()
    conn: asyncpg.Connection = (await connection.get_raw_connection()).driver_connection
    return conn


def item(row: Sequence[Any]) -> Item:
    """A row of ``COLUMNS`` as the JSON-ready item."""
    return {
        "id": row[0],
        "kind": row[1],
        "title": row[2],
        "body": row[3],
        "data": orjson.loads(row[4]),
        "created_at": row[5],
        "read_at": row[6],
    }


def dumps(value: Any) -> bytes:
    return orjson.dumps(value, option=orjson.OPT_UTC_Z)
