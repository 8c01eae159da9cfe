"""The store's statements against the migrated schema, and the live announcement as an
after-commit hook: made once the notifications are committed, never after a rollback, and
a failed one does not fail the event."""

from __future__ import annotations

import logging
import uuid
from contextlib import nullcontext
from typing import Any

import pytest

from pamtalk.bus.base import Delivery
from pamtalk.db.statements import Sql, sql
from pamtalk.events.envelope import Envelope
from pamtalk.metrics import EVENTS_HANDLED
from services.notification import consumers, live
from services.notification.schemas import KINDS
from services.notification.store import notifications, recipients
from tests.notification.support import forecast, publish, registered, wait_for_count
from tests.waiting import eventually

pytestmark = pytest.mark.integration
STORED = sql("SELECT count(*) FROM notifications WHERE event_id = :event_id")
VISIBLE = sql("SELECT count(*) FROM notifications WHERE id = ANY(:ids)")


async def test_every_statement_prepares_on_the_migrated_tables(notif) -> None:
    _, app = notif
    statements = [
        value
        for module in (notifications, recipients)
        for value in vars(module).values()
        if isinstance(value, Sql)
    ] + list(notifications.DELIVER.statements)  # the consumer's, both ways
    assert len(statements) >= 10
    async with app.state.runtime.db.read() as read:
        for stmt in statements:
            await read.conn.prepare(stmt.text)  # fails on a column the table lacks


async def test_a_row_is_the_notification_the_api_shows_field_for_field(notif) -> None:
    # Rows are written to JSON as they come (no response model on the way): the statement's
    # columns must be the response model's fields, in its order.
    _, app = notif
    async with app.state.runtime.db.read() as read:
        for stmt in (
            notifications._NEWEST,
            notifications._NEWEST_UNREAD,
            notifications._AFTER,
            notifications._ONE,
        ):
            columns = [attribute.name for attribute in (await read.conn.prepare(stmt.text)).get_attributes()]
            for kind in KINDS:  # each kind of notification, one shape of row
                assert columns == list(kind.model_fields), stmt.text


class Announcements:
    """Stands in for ``live.announce``: what was announced, and whether each notification was
    committed at that moment (read on another connection)."""

    def __init__(self, app: Any) -> None:
        self.db = app.state.runtime.db
        self.calls: list[tuple[list[int], bool]] = []

    async def __call__(self, _redis: object, _prefix: str, written: list[tuple[uuid.UUID, dict]]) -> None:
        ids = [item["id"] for _, item in written]
        async with self.db.read() as read:
            visible = await read.fetchval(
                sql("SELECT count(*) FROM notifications WHERE id = ANY(:ids)"), ids=ids
            )
        self.calls.append((ids, visible == len(ids)))


async def test_announced_once_committed_and_never_after_a_rollback(notif, monkeypatch) -> None:
    _, app = notif
    announced = Announcements(app)
    monkeypatch.setattr(live, "announce", announced)
    runtime = app.state.runtime
    handler = consumers.build(runtime)
    user = uuid.uuid4()
    await handler(Envelope.wrap(forecast(user), "test"), {})  # one statement
    assert len(announced.calls) == 1 and announced.calls[0][1]  # after it: visible to others

    # A batch with a user event is one transaction: announced after its commit ...
    events = [Envelope.wrap(forecast(user), "test"), Envelope.wrap(registered(user), "test")]
    await handler.apply_batch([Delivery(envelope, {}, nullcontext) for envelope in events])
    assert len(announced.calls) == 2 and len(announced.calls[1][0]) == 2 and announced.calls[1][1]

    # ... and never for one rolled back (the recipient's upsert fails after the drafts are made)
    async def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("the effect failed")

    monkeypatch.setattr(recipients, "remember", broken)
    rolled_back = [Envelope.wrap(forecast(user), "test"), Envelope.wrap(registered(uuid.uuid4()), "test")]
    with pytest.raises(RuntimeError):
        await handler.apply_batch([Delivery(envelope, {}, nullcontext) for envelope in rolled_back])
    assert len(announced.calls) == 2  # nothing announced for what was rolled back
    async with runtime.db.read() as read:
        assert await read.fetchval(STORED, event_id=rolled_back[0].event_id) == 0


async def test_a_failed_announcement_does_not_fail_the_event(notif, tokens, monkeypatch, caplog) -> None:
    client, app = notif

    async def redis_down(*_args: object) -> None:
        raise ConnectionError("redis is down")

    monkeypatch.setattr(live, "announce", redis_down)
    failed = EVENTS_HANDLED.labels(consumers.CONSUMER, consumers.QUEUE, "error")
    errors_before = failed._value.get()
    user = uuid.uuid4()
    with caplog.at_level(logging.WARNING, logger="pamtalk.notification.consumer"):
        await publish(app, forecast(user))
        (stored,) = await wait_for_count(client, tokens.headers(user_id=user), 1)
        await eventually(_nothing, lambda _: "live announcement failed" in caplog.messages)
    assert stored["kind"] == "forecast.finished"
    assert failed._value.get() == errors_before  # handled, not failed (no retry)


async def _nothing() -> None:
    return None
