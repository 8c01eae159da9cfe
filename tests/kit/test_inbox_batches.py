"""Consumers that take their deliveries in batches (issue 17), on the real PostgreSQL and
RabbitMQ: events waiting together are claimed and applied in one transaction, in delivery
order, and acked together; a batch with a poison message applies the others once and sends
the poison alone to its retry queue; a redelivered batch changes nothing."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from pamtalk.bus import AmqpBus
from pamtalk.bus.base import Delivery
from pamtalk.db.database import Database
from pamtalk.db.inbox import Effects, OnceHandler, handle_once, inbox_table
from pamtalk.db.statements import sql
from pamtalk.db.tx import Tx
from pamtalk.events.catalogue import UserRegistered
from pamtalk.events.envelope import Envelope
from tests.kit.bus_support import DELAYS, delete_topology, spans
from tests.kit.db_support import STORE_EFFECT, effects_table, scratch_schema
from tests.services_available import AMQP_URL, require
from tests.waiting import eventually, wait_until

pytestmark = pytest.mark.integration
__all__ = ["spans"]  # fixture

Q = "notification_events"  # bound to user.registered
STORED = sql("SELECT email FROM effects ORDER BY id")


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    async with scratch_schema(database_url, inbox_table, effects_table, producer="user") as database:
        yield database


@pytest.fixture
async def prefix() -> AsyncIterator[str]:
    require("rabbitmq")
    name = f"test-{uuid.uuid4().hex[:10]}."
    yield name
    await delete_topology(name)


def registered(email: str) -> Envelope:
    event = UserRegistered(user_id=uuid.uuid4(), email=email, display_name="B", role="farmer")
    return Envelope.wrap(event, "user")


class Recording:
    """The inbox handler, with a note of every single delivery (its attempt) and every batch."""

    def __init__(self, once: OnceHandler) -> None:
        self.once = once
        self.singles: list[tuple[str, str]] = []  # (email, x-attempts)
        self.batches: list[list[str]] = []

    async def __call__(self, envelope: Envelope, headers: Mapping[str, str]) -> None:
        self.singles.append((envelope.data["email"], headers.get("x-attempts", "0")))
        await self.once(envelope, headers)

    async def apply_batch(self, deliveries: Sequence[Delivery]) -> None:
        self.batches.append([delivery.envelope.data["email"] for delivery in deliveries])
        await self.once.apply_batch(deliveries)


async def stored(db: Database) -> list[str]:
    async with db.read() as read:
        return [row[0] for row in await read.fetch(STORED)]


def storing(db: Database, poison: str = "", failures: int = 0) -> tuple[Recording, list[str]]:
    """An inbox handler whose effect stores the email (noted once committed or not), failing
    ``failures`` times for the ``poison`` email."""
    applied: list[str] = []

    async def apply(tx: Tx, event: UserRegistered, envelope: Envelope) -> None:
        nonlocal failures
        await tx.execute(STORE_EFFECT, email=event.email)
        applied.append(event.email)
        if event.email == poison and failures > 0:
            failures -= 1
            raise RuntimeError("cannot apply this one now")

    return Recording(handle_once(db, "test", Effects().on(UserRegistered, apply))), applied


@asynccontextmanager
async def buses(prefix: str, handler: Recording) -> AsyncIterator[tuple[AmqpBus, AmqpBus]]:
    """A publisher (topology declared) and a consumer of ``Q`` taking batches, not started."""
    publisher = AmqpBus(AMQP_URL, queue_prefix=prefix, retry_delays=DELAYS)
    consumer = AmqpBus(AMQP_URL, queue_prefix=prefix, retry_delays=DELAYS, batch=16, batch_wait=0.2)
    consumer.consume(Q, handler)
    await publisher.start()
    try:
        yield publisher, consumer
    finally:
        await consumer.close()
        await publisher.close()


async def test_waiting_events_are_applied_in_one_batch_in_order_and_acked(db: Database, prefix: str) -> None:
    handler, applied = storing(db)
    sent = [f"u{i}@batch.kr" for i in range(10)]
    async with buses(prefix, handler) as (publisher, consumer):
        await publisher.publish_many([(registered(email), None) for email in sent])  # before the consumer
        await consumer.start()
        await eventually(lambda: _has(db, len(sent)), within=10)
        assert await stored(db) == sent  # each once, in delivery order
        assert applied == sent
        assert handler.batches == [sent] and handler.singles == []
        await consumer.close()  # an unacked message would go back to the queue now
        assert (await publisher.queue_lengths())[Q] == 0


async def test_a_poison_event_is_retried_alone_and_the_others_are_applied_once(
    db: Database, prefix: str
) -> None:
    poison = "poison@batch.kr"
    handler, _ = storing(db, poison, failures=2)  # fails in the batch, then alone
    sent = ["a@batch.kr", "b@batch.kr", poison, "c@batch.kr", "d@batch.kr"]
    async with buses(prefix, handler) as (publisher, consumer):
        await publisher.publish_many([(registered(email), None) for email in sent])
        await consumer.start()
        await eventually(lambda: _has(db, len(sent)), within=10)
        await asyncio.sleep(0.3)  # longer than every back-off: nothing else may come back
        assert sorted(await stored(db)) == sorted(sent)  # every effect committed once
        assert handler.batches == [sent]  # the batch failed whole (rolled back) ...
        # ... then each was handled alone, and only the poison went through the retry queue
        assert handler.singles == [(email, "0") for email in sent] + [(poison, "1")]
        assert await consumer.dead_letters(Q) == []
        await consumer.close()
        lengths = await publisher.queue_lengths()
        assert (lengths[Q], lengths[f"{Q}.retry"], lengths[f"{Q}.dlq"]) == (0, 0, 0)


async def test_a_redelivered_batch_changes_nothing(db: Database, prefix: str) -> None:
    handler, applied = storing(db)
    envelopes = [registered(f"r{i}@batch.kr") for i in range(6)]
    async with buses(prefix, handler) as (publisher, consumer):
        await consumer.start()
        for _ in range(2):  # the same events twice (a relay that crashed before its commit)
            await publisher.publish_many([(envelope, None) for envelope in envelopes])
            await wait_until(lambda: sum(map(len, handler.batches)) >= len(envelopes), within=10)
        await wait_until(lambda: sum(map(len, handler.batches)) == 2 * len(envelopes), within=10)
        expected = [envelope.data["email"] for envelope in envelopes]
        assert await stored(db) == expected
        assert applied == expected


async def test_an_event_twice_in_one_batch_is_applied_once_each_in_its_own_span(
    db: Database, spans: InMemorySpanExporter
) -> None:
    seen: list[tuple[str, int]] = []

    async def apply(tx: Tx, event: UserRegistered, envelope: Envelope) -> None:
        await tx.execute(STORE_EFFECT, email=event.email)
        seen.append((event.email, trace.get_current_span().get_span_context().span_id))

    handler = handle_once(db, "test", Effects().on(UserRegistered, apply))
    tracer = trace.get_tracer("test")
    first, second = registered("x@batch.kr"), registered("y@batch.kr")

    def delivery(envelope: Envelope) -> Delivery:
        return Delivery(envelope, {}, lambda: tracer.start_as_current_span(envelope.data["email"]))

    await handler.apply_batch([delivery(first), delivery(second), delivery(first)])
    await handler.apply_batch([delivery(second)])  # a redelivery: nothing
    assert await stored(db) == ["x@batch.kr", "y@batch.kr"]
    assert [email for email, _ in seen] == ["x@batch.kr", "y@batch.kr"]
    assert len({span_id for _, span_id in seen}) == 2 and all(seen[i][1] for i in range(2))


async def _has(db: Database, count: int) -> bool:
    return len(await stored(db)) >= count
