"""``notifications.DELIVER``, the consumer's one statement: it claims the events, locks their
users, picks each reader's language and inserts. Ids of one user are drawn only under the
user's lock, so they come in commit order; a batch's ids follow delivery order."""

from __future__ import annotations

import asyncio
import uuid
from contextlib import nullcontext
from typing import Literal

import pytest

from pamtalk.bus.base import Delivery
from pamtalk.db.statements import sql
from pamtalk.events.envelope import Envelope
from services.notification import consumers, live
from services.notification.store import notifications
from services.notification.store.notifications import Draft
from tests.notification.support import forecast

pytestmark = pytest.mark.integration
LOCK = sql("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))")
MINE = sql("SELECT id, data ->> 'status' FROM notifications WHERE user_id = :user_id ORDER BY id")


def finished(user: uuid.UUID, status: Literal["succeeded", "failed"] = "succeeded") -> Envelope:
    return Envelope.wrap(forecast(user, status), "test")


def _draft(user: uuid.UUID, status: str = "succeeded") -> dict[str, object]:
    return Draft(user, "forecast.finished", f"forecast.finished/{status}", {}, {"status": status}).as_row()


async def test_an_id_is_drawn_only_once_the_users_lock_is_free(notif) -> None:
    _, app = notif
    db = app.state.runtime.db
    handler = consumers.build(app.state.runtime)
    user = uuid.uuid4()
    async with db.write() as first:
        await first.execute(LOCK, key=f"notification:{user}")
        second = asyncio.create_task(handler(finished(user, "failed"), {}))  # one statement, no transaction
        await asyncio.sleep(0.3)
        assert not second.done()  # waits for the lock
        event_id = uuid.uuid4()  # a draft of a transaction that claimed its event already
        row = {**_draft(user), "event_id": event_id, "n": 0}
        _, (mine,) = await notifications.DELIVER.write(first, [row], [event_id], None)
    await asyncio.wait_for(second, 5)
    async with db.read() as read:
        ids = [(status, id_) for id_, status in await read.fetch(MINE, user_id=user)]
    assert [status for status, _ in ids] == ["succeeded", "failed"]  # committed second, numbered second
    assert ids[0][1] == mine[0]


async def test_one_user_and_kind_is_written_once_per_event(notif) -> None:
    _, app = notif
    user, event_id = uuid.uuid4(), uuid.uuid4()
    rows = [
        {**_draft(user), "event_id": event_id, "n": 0},
        {**_draft(user, "failed"), "event_id": event_id, "n": 1},
    ]
    async with app.state.runtime.db.write() as tx:
        _, written = await notifications.DELIVER.write(tx, rows, [event_id], None)
    assert [(who, item["title"], item["data"]) for who, item in notifications.items(written)] == [
        (user, "수요 예측 완료", {"status": "succeeded"})
    ]


async def test_a_batch_is_numbered_in_delivery_order_and_announced_once(notif) -> None:
    _, app = notif
    runtime = app.state.runtime
    handler = consumers.build(runtime)
    user = uuid.uuid4()
    statuses: list[Literal["succeeded", "failed"]] = ["failed", "succeeded", "failed", "succeeded"]
    events = [finished(user, status) for status in statuses]
    pubsub = runtime.redis.pubsub()
    await pubsub.subscribe(live.channel(runtime.settings.channel_prefix, user))
    try:
        await handler.apply_batch([Delivery(envelope, {}, nullcontext) for envelope in events])
        async with runtime.db.read() as read:
            stored = await read.fetch(MINE, user_id=user)
        assert [status for _, status in stored] == statuses
        heard: list[bytes] = []
        deadline = asyncio.get_running_loop().time() + 10
        while len(heard) < len(events) and asyncio.get_running_loop().time() < deadline:
            message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=1)
            if message is not None:  # None: the subscription's confirmation, or nothing yet
                heard.append(message["data"])
        assert [b'"id":%d' % id_ in data for (id_, _), data in zip(stored, heard, strict=True)] == [True] * 4
    finally:
        await pubsub.aclose()
