"""The raw read path (``services.notification.rows``): a connection lost under a read is
dropped from the pool, as SQLAlchemy itself would drop it."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from sqlalchemy import text

from pamtalk.db.database import Database
from services.notification import rows, store

pytestmark = pytest.mark.integration


async def _terminate(db: Database, pid: int) -> None:
    """End a backend as a server restart would, and wait until it is gone."""
    async with db.reads() as other:
        await other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        gone = text("SELECT count(*) = 0 FROM pg_stat_activity WHERE pid = :pid")
        for _ in range(100):
            if (await other.execute(gone, {"pid": pid})).scalar():
                return
            await asyncio.sleep(0.02)


async def _every_pooled_connection_works(db: Database, user: uuid.UUID) -> None:
    for _ in range(db.capacity + 1):  # sequential checkouts come round every pooled connection
        async with rows.reading(db) as conn:
            assert await store.unread_count(conn, user) == 0


async def test_a_connection_lost_under_a_read_is_not_reused(notif) -> None:
    _, app = notif
    db = app.state.runtime.db
    user = uuid.uuid4()
    with pytest.raises(Exception):  # noqa: B017 - which asyncpg error depends on timing
        async with rows.reading(db) as conn:
            await _terminate(db, await conn.fetchval("SELECT pg_backend_pid()"))
            await store.unread_count(conn, user)
    await _every_pooled_connection_works(db, user)


async def test_a_connection_lost_under_a_session_is_not_reused(notif) -> None:
    _, app = notif
    db = app.state.runtime.db
    user = uuid.uuid4()
    with pytest.raises(Exception):  # noqa: B017
        async with db.transaction() as session:
            await session.execute(text("SELECT 1"))
            conn = await rows.driver(session)
            await _terminate(db, await conn.fetchval("SELECT pg_backend_pid()"))
            await store.unread_count(conn, user)
    await _every_pooled_connection_works(db, user)
