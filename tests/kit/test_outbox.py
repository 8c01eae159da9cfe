"""The transactional outbox with the real PostgreSQL and RabbitMQ: an event committed while
the broker is unreachable is kept and published once the broker is back; nothing is
published for a rolled-back change; a consumer with an inbox (``handle_once``: claim and
effect in one transaction) applies a redelivery once."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from loadtests.tcp_proxy import TcpProxy
from pamtalk.bus import AmqpBus, BusUnavailable, MemoryBus
from pamtalk.db.database import Database
from pamtalk.db.inbox import Effects, handle_once, inbox_table
from pamtalk.db.outbox import OutboxRelay, outbox_table
from pamtalk.db.statements import Sql, sql
from pamtalk.db.tx import Tx
from pamtalk.events.catalogue import LedgerRecorded, TradeEvent, TransactionSettled, UserRegistered
from pamtalk.events.envelope import Envelope
from tests.kit.bus_support import delete_topology
from tests.kit.db_support import STORE_EFFECT, effects_table, scratch_schema
from tests.services_available import require
from tests.waiting import eventually, wait_until

pytestmark = pytest.mark.integration


COUNT_UNPUBLISHED = sql("SELECT count(*) FROM outbox WHERE published_at IS NULL")
COUNT_EFFECTS = sql("SELECT count(*) FROM effects")
COUNT_OUTBOX = sql("SELECT count(*) FROM outbox")
ONE_ENVELOPE = sql("SELECT envelope FROM outbox LIMIT 1")
INBOX = sql("SELECT consumer, event_id FROM inbox")
UNPUBLISHED = sql("SELECT envelope FROM outbox WHERE published_at IS NULL ORDER BY id")


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    async with scratch_schema(
        database_url, outbox_table, inbox_table, effects_table, producer="user"
    ) as database:
        yield database


def registered() -> UserRegistered:
    return UserRegistered(
        user_id=uuid.uuid4(), email=f"{uuid.uuid4().hex[:6]}@x.kr", display_name="A", role="farmer"
    )


def settled() -> TransactionSettled:
    now = datetime.now(UTC)
    return TransactionSettled(
        transaction_id=uuid.uuid4(),
        farm_id=uuid.uuid4(),
        producer_id=uuid.uuid4(),
        buyer_id=uuid.uuid4(),
        crop="rice",
        quantity=Decimal(10),
        unit_price=Decimal(2500),
        total_value=Decimal(25000),
        quality_score=80.0,
        delivery_hours=48,
        payment_method="card",
        region="Jeonnam",
        status="settled",
        created_at=now,
        occurred_at=now,
    )


async def _value(database: Database, statement: Sql) -> int:
    async with database.read() as read:
        return int(await read.fetchval(statement))


async def test_event_committed_while_broker_down_is_published_later(db: Database) -> None:
    require("rabbitmq")
    proxy = TcpProxy("127.0.0.1", 5672)
    await proxy.start()
    prefix = f"t{uuid.uuid4().hex[:8]}."
    url = f"amqp://guest:guest@127.0.0.1:{proxy.port}/?reconnect_interval=0.2"
    bus = AmqpBus(url, queue_prefix=prefix, retry_delays=(0.05,), publish_timeout=1.0, connect_timeout=1.0)
    seen: list[str] = []

    async def apply(tx: Tx, event: UserRegistered, envelope: Envelope) -> None:
        await tx.execute(STORE_EFFECT, email=event.email)
        seen.append(event.email)

    handler = handle_once(db, "test-consumer", Effects().on(UserRegistered, apply))
    bus.consume("notification_events", handler)
    await bus.start()
    relay = OutboxRelay(db, bus, poll_seconds=0.1)
    relay.start()
    try:
        await proxy.cut()  # the broker is gone
        sent = []
        for _ in range(5):
            async with db.write() as tx:
                sent.append((await tx.add_event(registered())).data["email"])
        with pytest.raises(RuntimeError):  # a rolled-back change leaves no event behind
            async with db.write() as tx:
                await tx.add_event(registered())
                raise RuntimeError("the change failed")
        await asyncio.sleep(0.5)
        assert await _value(db, COUNT_UNPUBLISHED) == 5  # kept, not lost, while the broker is down
        await proxy.restore()

        async def all_applied() -> bool:  # seen in the handler, and its transaction committed
            return sorted(seen) == sorted(sent) and await _value(db, COUNT_EFFECTS) == 5

        await eventually(all_applied, within=20)
        # a redelivery of an already-handled event changes nothing
        async with db.read() as read:
            row = await read.fetchval(ONE_ENVELOPE)
        await handler(Envelope.model_validate(row), {})
        assert await _value(db, COUNT_EFFECTS) == 5
        assert await _value(db, COUNT_UNPUBLISHED) == 0
    finally:
        await relay.stop()
        await bus.close()
        await proxy.cut()
        await delete_topology(prefix)


async def test_effects_by_class_serve_subclasses_and_other_types_are_claimed_once(db: Database) -> None:
    calls: list[str] = []

    async def on_user(tx: Tx, event: UserRegistered, envelope: Envelope) -> None:
        calls.append(f"user {event.email}")

    async def on_trade(tx: Tx, event: TradeEvent, envelope: Envelope) -> None:
        calls.append(f"trade {type(event).TYPE}")  # the event arrives as its own class

    handler = handle_once(db, "c", Effects().on(UserRegistered, on_user).on(TradeEvent, on_trade))
    user, trade = Envelope.wrap(registered(), "user"), Envelope.wrap(settled(), "transaction")
    ignored = Envelope.wrap(LedgerRecorded(index=1, kind="k", reference="r", leaf_hash="h"), "blockchain")
    for envelope in (user, trade, ignored, ignored, trade):  # redeliveries: duplicates, no error
        await handler(envelope, {})
    assert calls == [f"user {user.data['email']}", "trade transaction.settled"]
    async with db.read() as read:
        claimed = sorted((row["consumer"], row["event_id"]) for row in await read.fetch(INBOX))
    assert claimed == sorted(("c", e.event_id) for e in (user, trade, ignored))


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


async def _unpublished(database: Database) -> list[str]:
    async with database.read() as read:
        return [envelope["data"]["email"] for (envelope,) in await read.fetch(UNPUBLISHED)]


async def test_relay_keeps_the_events_the_broker_did_not_confirm(db: Database) -> None:
    bus = _RefusingBus()
    relay = OutboxRelay(db, bus)
    emails = []
    async with db.write() as tx:
        for _ in range(3):
            emails.append((await tx.add_event(registered())).data["email"])
    bus.refuse = {emails[1]}
    with pytest.raises(BusUnavailable):
        await relay.publish_pending()
    assert [e.data["email"] for e in bus.published] == [emails[0], emails[2]]  # in order
    assert await _unpublished(db) == [emails[1]]  # kept for the next round
    bus.refuse = set()
    assert await relay.publish_pending() == 1
    assert await relay.publish_pending() == 0
    assert [e.data["email"] for e in bus.published] == [emails[0], emails[2], emails[1]]


async def test_one_by_one_bus_stops_at_the_first_refusal(db: Database) -> None:
    """A bus without batches (the default ``publish_many``) publishes nothing after a refusal."""

    class Flaky(MemoryBus):
        async def publish(self, envelope, headers=None):  # type: ignore[no-untyped-def]
            if envelope.data["email"] == refused:
                raise BusUnavailable("down")
            await super().publish(envelope, headers)

    bus = Flaky()
    async with db.write() as tx:
        emails = [(await tx.add_event(registered())).data["email"] for _ in range(3)]
    refused = emails[1]
    with pytest.raises(BusUnavailable):
        await OutboxRelay(db, bus).publish_pending()
    assert [e.data["email"] for e in bus.published] == [emails[0]]
    assert await _unpublished(db) == emails[1:]


async def test_relay_finds_rows_it_was_not_told_about(db: Database) -> None:
    """Rows committed by another replica (no wake-up here) go out within the poll interval."""
    bus = MemoryBus()
    relay = OutboxRelay(db, bus, poll_seconds=0.05)
    relay.start()
    other = Database(db.url, db.schema, producer="user")  # another process: its commits wake no one here
    try:
        await asyncio.sleep(0.1)  # the relay is idle, polling
        async with other.write() as tx:
            envelope = await tx.add_event(registered())
        await wait_until(lambda: bus.published == [envelope], within=5)
    finally:
        await relay.stop()
        await other.close()


async def test_events_go_out_at_once_after_the_commit_and_never_after_a_rollback(db: Database) -> None:
    bus = MemoryBus()
    relay = OutboxRelay(db, bus, poll_seconds=60)  # only a wake-up makes it publish soon
    relay.start()
    try:
        await asyncio.sleep(0.1)  # the relay's first look is over
        with pytest.raises(RuntimeError):
            async with db.write() as tx:
                await tx.add_event(registered())
                raise RuntimeError("rolled back")
        async with db.write() as tx:
            kept = await tx.add_event(registered())
        await wait_until(lambda: bus.published == [kept], within=5)
    finally:
        await relay.stop()
    assert await _value(db, COUNT_OUTBOX) == 1


async def test_commits_of_one_moment_go_out_in_one_round(db: Database) -> None:
    """A commit wakes the relay, which waits ``coalesce_seconds`` for the others of that
    moment: they are published together, in commit order (one claim, one batch of confirms)."""
    rounds: list[int] = []

    class Counting(MemoryBus):
        async def publish_many(
            self, items: Sequence[tuple[Envelope, Mapping[str, str] | None]]
        ) -> list[BusUnavailable | None]:
            rounds.append(len(items))
            return await super().publish_many(items)

    bus = Counting()
    relay = OutboxRelay(db, bus, poll_seconds=60, coalesce_seconds=0.5)
    relay.start()
    try:
        await asyncio.sleep(0.1)  # the relay's first look is over
        sent = []
        for _ in range(5):
            async with db.write() as tx:
                sent.append(await tx.add_event(registered()))
        await wait_until(lambda: len(bus.published) == 5, within=5)
    finally:
        await relay.stop()
    assert bus.published == sent
    assert rounds == [5]


async def test_failed_effect_keeps_no_claim_and_its_events_go_out_after_the_commit(db: Database) -> None:
    """An effect that raises rolls back its claim, its rows and its events: the retry
    applies it; the events added by the effect wake the relay once committed."""
    bus = MemoryBus()
    relay = OutboxRelay(db, bus, poll_seconds=60)  # only a wake-up makes it publish soon
    relay.start()
    fail = True

    async def apply(tx: Tx, event: UserRegistered, envelope: Envelope) -> None:
        await tx.execute(STORE_EFFECT, email=event.email)
        await tx.add_event(registered())
        if fail:
            raise RuntimeError("the effect failed")

    handler = handle_once(db, "plain", Effects().on(UserRegistered, apply))
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
    assert await _value(db, COUNT_EFFECTS) == 1
    assert await _value(db, COUNT_OUTBOX) == 1
    async with db.read() as read:
        assert [row["consumer"] for row in await read.fetch(INBOX)] == ["plain"]
    assert bus.published[0].producer == "user"
