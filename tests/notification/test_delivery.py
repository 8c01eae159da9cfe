"""``notifications.deliver``: one statement that locks, picks the language and inserts. Ids of one
user are drawn only under the user's lock, so they come in commit order."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from pamtalk.db.statements import sql
from services.notification.store import notifications
from services.notification.store.notifications import Draft, Written

pytestmark = pytest.mark.integration
LOCK = sql("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))")


def _draft(user: uuid.UUID, status: str = "succeeded") -> Draft:
    return Draft(user, "forecast.finished", f"forecast.finished/{status}", {}, {"status": status})


async def test_an_id_is_drawn_only_once_the_users_lock_is_free(notif) -> None:
    _, app = notif
    db = app.state.runtime.db
    user = uuid.uuid4()

    async def deliver_later() -> list[Written]:
        async with db.write() as tx:
            return await notifications.deliver(tx, uuid.uuid4(), [_draft(user)])

    async with db.write() as first:
        await first.execute(LOCK, key=f"notification:{user}")
        second = asyncio.create_task(deliver_later())
        await asyncio.sleep(0.3)
        assert not second.done()  # waits for the lock
        (mine,) = await notifications.deliver(first, uuid.uuid4(), [_draft(user)])
    (theirs,) = await asyncio.wait_for(second, 5)
    assert theirs[1]["id"] > mine[1]["id"]  # committed second, numbered second


async def test_one_user_and_kind_is_written_once_per_event(notif) -> None:
    _, app = notif
    user = uuid.uuid4()
    async with app.state.runtime.db.write() as tx:
        written = await notifications.deliver(tx, uuid.uuid4(), [_draft(user), _draft(user, "failed")])
    assert [(who, item["title"], item["data"]) for who, item in written] == [
        (user, "수요 예측 완료", {"status": "succeeded"})
    ]
