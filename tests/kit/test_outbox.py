"""The transactional outbox with the real PostgreSQL and RabbitMQ: an event committed while
the broker is unreachable is kept and published once the broker is back; nothing is
published for a rolled-back change; a consumer with an inbox (``handle_once``: plain SQL,
claim and effect in one transaction) applies a redelivery once."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Mapping

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, func, select

from pamtalk.bus import AmqpBus, BusUnavailable, MemoryBus
from pamtalk.db.database import Database
from pamtalk.db.inbox import handle_once, inbox_table
from pamtalk.db.outbox import OutboxRelay, PlainTx, add_event, outbox_table
from pamtalk.events.catalogue import UserRegistered
from pamtalk.events.envelope import Envelope, Event
from tests.kit.bus_support import delete_topology, eventually, wait_until
from tests.services_available import require
from tests.tcp_proxy import TcpProxy

pytestmark = pytest.mark.integration


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[tuple[Database, Table, Table, Table]]:
    schema = f"kit_{uuid.uuid4().hex[:8]}"
    metadata = MetaData(schema=schema)
    outbox, inbox = outbox_table(metadata), inbox_table(metadata)
    effects = Table("effects", metadata, Column("id", Integer, primary_key=True), Column("email", String))
    database = Database(database_url, schema)
    async with database.engine.begin() as conn:
        await conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        await conn.run_sync(metadata.create_all)
    yield database, outbox, inbox, effects
    async with database.engine.begin() as conn:
        await conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
    await database.close()


def registered() -> UserRegistered:
    return UserRegistered(
        user_id=uuid.uuid4(), email=f"{uuid.uuid4().hex[:6]}@x.kr", display_name="A", role="farmer"
    )


async def test_event_committed_while_broker_down_is_published_later(db) -> None:
    require("rabbitmq")
    database, outbox, inbox, effects = db
    proxy = TcpProxy("127.0.0.1", 5672)
    await proxy.start()
    prefix = f"t{uuid.uuid4().hex[:8]}."
    url = f"amqp://guest:guest@127.0.0.1:{proxy.port}/?reconnect_interval=0.2"
    bus = AmqpBus(url, queue_prefix=prefix, retry_delays=(0.05,), publish_timeout=1.0, connect_timeout=1.0)
    seen: list[str] = []

    async def apply(tx: PlainTx, event: Event, envelope: Envelope) -> None:
        assert isinstance(event, UserRegistered)
        await _store(tx, effects, event.email)
        seen.append(event.email)

    handler = handle_once(database, inbox, "test-consumer", {"user.registered": apply})
    bus.consume("notification_events", handler)
    await bus.start()
    relay = OutboxRelay(database, outbox, bus, poll_seconds=0.1)
    relay.start()
    try:
        await proxy.cut()  # the broker is gone
        sent = []
        for _ in range(5):
            async with database.transaction() as session:
                sent.append((await add_event(session, outbox, registered(), "user")).data["email"])
        with pytest.raises(RuntimeError):  # a rolled-back change leaves no event behind
            async with database.transaction() as session:
                await add_event(session, outbox, registered(), "user")
                raise RuntimeError("the change failed")
        await asyncio.sleep(0.5)
        async with database.transaction() as session:
            waiting = await session.scalar(
                select(func.count()).select_from(outbox).where(outbox.c.published_at.is_(None))
            )
        assert waiting == 5  # kept, not lost, while the broker is down
        await proxy.restore()

        async def all_applied() -> bool:
            return sorted(seen) == sorted(sent)

        await eventually(all_applied, within=20)
        # a redelivery of an already-handled event changes nothing
        async with database.transaction() as session:
            row = (await session.execute(select(outbox.c.envelope).limit(1))).scalar_one()
        await handler(Envelope.model_validate(row), {})
        async with database.transaction() as session:
            assert await session.scalar(select(func.count()).select_from(effects)) == 5
            assert (
                await session.scalar(
                    select(func.count()).select_from(outbox).where(outbox.c.published_at.is_(None))
                )
                == 0
            )
    finally:
        await relay.stop()
        await bus.close()
        await proxy.cut()
        await delete_topology(prefix)


async def test_handler_receives_typed_events_and_ignores_unknown_types(db) -> None:
    database, _, inbox, _ = db
    calls: list[str] = []

    async def apply(tx: PlainTx, event: Event, envelope: Envelope) -> None:
        calls.append(envelope.type)

    handler = handle_once(database, inbox, "c", {"user.*": apply})
    await handler(Envelope.wrap(registered(), "user"), {})
    other: Mapping[str, object] = {"index": 1, "kind": "k", "reference": "r", "leaf_hash": "h"}
    await handler(Envelope(type="ledger.recorded", data=dict(other)), {})
    assert calls == ["user.registered"]


async def test_unknown_types_are_recorded_once(db) -> None:
    database, _, inbox, _ = db
    handler = handle_once(database, inbox, "c", {"user.*": _nothing})
    ignored = Envelope(type="ledger.recorded", data={"index": 1})
    await handler(ignored, {})
    await handler(ignored, {})  # a redelivery: a duplicate, no error
    async with database.transaction() as session:
        rows = (await session.execute(select(inbox.c.consumer, inbox.c.event_id))).all()
    assert rows == [("c", ignored.event_id)]


async def _nothing(tx: PlainTx, event: Event, envelope: Envelope) -> None:
    return None


async def _store(tx: PlainTx, effects: Table, email: str) -> None:
    """The effect of the tests: one row, in the transaction of the claim."""
    await tx.conn.execute(f"INSERT INTO {effects.fullname} (email) VALUES ($1)", email)


class _RefusingBus(MemoryBus):
    """Confirms every envelope but those whose email is in ``refuse``."""

    def __init__(self) -> None:
        super().__init__()
        self.refuse: set[str] = set()

    async def publish_many(self, items):  # type: ignore[no-untyped-def]
        outcomes: list[BusUnavailable | None] = []
        for envelope, headers in items:
            if envelope.data["email"] in self.refuse:
                outcomes.append(BusUnavailable("nacked"))
            else:
                await self.publish(envelope, headers)
                outcomes.append(None)
        return outcomes


async def _unpublished(database: Database, outbox: Table) -> list[str]:
    async with database.transaction() as session:
        query = select(outbox.c.envelope).where(outbox.c.published_at.is_(None)).order_by(outbox.c.id)
        return [envelope["data"]["email"] for envelope in (await session.scalars(query)).all()]


async def test_relay_keeps_the_events_the_broker_did_not_confirm(db) -> None:
    database, outbox, _, _ = db
    bus = _RefusingBus()
    relay = OutboxRelay(database, outbox, bus)
    emails = []
    async with database.transaction() as session:
        for _ in range(3):
            emails.append((await add_event(session, outbox, registered(), "user")).data["email"])
    bus.refuse = {emails[1]}
    with pytest.raises(BusUnavailable):
        await relay.publish_pending()
    assert [e.data["email"] for e in bus.published] == [emails[0], emails[2]]  # in order
    assert await _unpublished(database, outbox) == [emails[1]]  # kept for the next round
    bus.refuse = set()
    assert await relay.publish_pending() == 1
    assert await relay.publish_pending() == 0
    assert [e.data["email"] for e in bus.published] == [emails[0], emails[2], emails[1]]


async def test_one_by_one_bus_stops_at_the_first_refusal(db) -> None:
    """A bus without batches (the default ``publish_many``) publishes nothing after a refusal."""
    database, outbox, _, _ = db

    class Flaky(MemoryBus):
        async def publish(self, envelope, headers=None):  # type: ignore[no-untyped-def]
            if envelope.data["email"] == refused:
                raise BusUnavailable("down")
            await super().publish(envelope, headers)

    bus = Flaky()
    async with database.transaction() as session:
        emails = [(await add_event(session, outbox, registered(), "user")).data["email"] for _ in range(3)]
    refused = emails[1]
    with pytest.raises(BusUnavailable):
        await OutboxRelay(database, outbox, bus).publish_pending()
    assert [e.data["email"] for e in bus.published] == [emails[0]]
    assert await _unpublished(database, outbox) == emails[1:]


async def test_relay_finds_rows_it_was_not_told_about(db) -> None:
    """Rows committed by another replica (no wake-up here) go out within the poll interval."""
    database, outbox, _, _ = db
    bus = MemoryBus()
    relay = OutboxRelay(database, outbox, bus, poll_seconds=0.05)
    relay.start()
    try:
        await asyncio.sleep(0.1)  # the relay is idle, polling
        envelope = Envelope.wrap(registered(), "user")
        async with database.engine.begin() as conn:  # as another process would: no nudge here
            await conn.execute(
                outbox.insert().values(
                    event_id=envelope.event_id,
                    routing_key=envelope.type,
                    envelope=envelope.model_dump(mode="json"),
                    headers={},
                    created_at=envelope.occurred_at,
                )
            )
        await wait_until(lambda: bus.published == [envelope], within=5)
    finally:
        await relay.stop()


async def test_failed_effect_keeps_no_claim_and_its_events_go_out_after_the_commit(db) -> None:
    """An effect that raises rolls back its claim, its rows and its events: the retry
    applies it; the events added by the effect wake the relay once committed."""
    database, outbox, inbox, effects = db
    bus = MemoryBus()
    relay = OutboxRelay(database, outbox, bus, poll_seconds=60)  # only a wake-up makes it publish soon
    relay.start()
    fail = True

    async def apply(tx: PlainTx, event: Event, envelope: Envelope) -> None:
        assert isinstance(event, UserRegistered)
        await _store(tx, effects, event.email)
        await tx.add_event(outbox, registered(), "test")
        if fail:
            raise RuntimeError("the effect failed")

    handler = handle_once(database, inbox, "plain", {"user.registered": apply})
    sent = Envelope.wrap(registered(), "user")
    try:
        await asyncio.sleep(0.1)  # the relay's first look is over
        with pytest.raises(RuntimeError):  # nothing of a failed attempt is kept
            await handler(sent, {})
        fail = False
        await handler(sent, {})  # the retry
        await handler(sent, {})  # a redelivery: a duplicate
        await wait_until(lambda: len(bus.published) == 1, within=5)
    finally:
        await relay.stop()
    async with database.transaction() as session:
        assert await session.scalar(select(func.count()).select_from(effects)) == 1
        assert await session.scalar(select(func.count()).select_from(outbox)) == 1
        assert (await session.execute(select(inbox.c.consumer))).scalars().all() == ["plain"]
    assert bus.published[0].producer == "test"
