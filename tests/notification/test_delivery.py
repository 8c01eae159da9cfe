"""``store.deliver``: one statement that locks, picks the language and inserts. Ids of one
user are drawn only under the user's lock, so they come in commit order."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from pamtalk.db.outbox import plain_transaction
from services.notification import store
from services.notification.store import Draft

pytestmark = pytest.mark.integration


def _draft(user: uuid.UUID, status: str = "succeeded") -> Draft:
    return Draft(user, "forecast.finished", f"forecast.finished/{status}", {}, {"status": status})


async def test_an_id_is_drawn_only_once_the_users_lock_is_free(notif) -> None:
    _, app = notif
    db = app.state.runtime.db
    user = uuid.uuid4()

    async def deliver_later() -> list[store.Written]:
        async with plain_transaction(db) as tx:
            return await store.deliver(tx.conn, uuid.uuid4(), [_draft(user)])

    async with plain_transaction(db) as first:
        lock = "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))"
        await first.conn.execute(lock, f"notification:{user}")
        second = asyncio.create_task(deliver_later())
        await asyncio.sleep(0.3)
        assert not second.done()  # waits for the lock
        (mine,) = await store.deliver(first.conn, uuid.uuid4(), [_draft(user)])
    (theirs,) = await asyncio.wait_for(second, 5)
    assert theirs[1]["id"] > mine[1]["id"]  # committed second, numbered second


async def test_one_user_and_kind_is_written_once_per_event(notif) -> None:
    _, app = notif
    user = uuid.uuid4()
    async with plain_transaction(app.state.runtime.db) as tx:
        written = await store.deliver(tx.conn, uuid.uuid4(), [_draft(user), _draft(user, "failed")])
    assert [(who, item["title"], item["data"]) for who, item in written] == [
        (user, "수요 예측 완료", {"status": "succeeded"})
    ]
