"""The bus contract, checked on both implementations (MemoryBus and AmqpBus on RabbitMQ)."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping

import aio_pika
import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from pamtalk.bus import AmqpBus, BusUnavailable, make_bus
from pamtalk.bus.memory import MemoryBus
from pamtalk.events.envelope import Envelope
from tests.kit.bus_support import MakeBus, envelope, new_bus, spans
from tests.services_available import AMQP_URL
from tests.waiting import eventually, wait_until

__all__ = ["new_bus", "spans"]  # fixtures

Q = "blockchain_transactions"  # bound to transaction.settled and esg.scored


async def test_events_are_routed_by_topic_and_wait_for_their_consumer(new_bus: MakeBus) -> None:
    bus = await new_bus()
    await bus.start()
    for type_ in ("transaction.settled", "farm.updated", "user.registered", "ledger.recorded"):
        await bus.publish(envelope(type_))

    expected = {
        "analytics_data": {"transaction.settled"},
        "blockchain_transactions": {"transaction.settled"},
        "notification_events": {"transaction.settled", "user.registered"},
        "transaction_updates": {"farm.updated"},
        "prediction_requests": set(),
        "farm_updates": set(),
    }
    lengths = await bus.queue_lengths()
    assert {q: lengths[q] for q in expected} == {q: len(types) for q, types in expected.items()}

    got: dict[str, set[str]] = {q: set() for q in expected}
    for queue in expected:  # consumers registered only now: nothing was dropped meanwhile

        async def record(env: Envelope, _headers: Mapping[str, str], queue: str = queue) -> None:
            got[queue].add(env.type)

        bus.consume(queue, record)
    await wait_until(lambda: got == expected)
    await asyncio.sleep(0.1)
    assert got == expected


async def test_a_handler_failing_once_is_retried_and_succeeds_exactly_once(new_bus: MakeBus) -> None:
    bus = await new_bus()
    attempts: list[str] = []
    done: list[Envelope] = []

    async def flaky(env: Envelope, headers: Mapping[str, str]) -> None:
        attempts.append(headers.get("x-attempts", "0"))
        if len(attempts) == 1:
            raise RuntimeError("database blip")
        done.append(env)

    bus.consume(Q, flaky)
    await bus.start()
    sent = envelope()
    await bus.publish(sent)
    await wait_until(lambda: done)
    await asyncio.sleep(0.3)  # longer than every back-off: no further delivery may come
    assert [e.event_id for e in done] == [sent.event_id]
    assert attempts == ["0", "1"]
    assert await bus.dead_letters(Q) == []
    lengths = await bus.queue_lengths()
    assert (lengths[Q], lengths[f"{Q}.retry"], lengths[f"{Q}.dlq"]) == (0, 0, 0)


async def test_an_always_failing_event_is_dead_lettered_then_replayed(new_bus: MakeBus) -> None:
    bus = await new_bus()
    calls: list[Envelope] = []
    fixed = False

    async def handler(env: Envelope, _headers: Mapping[str, str]) -> None:
        calls.append(env)
        if not fixed:
            raise ValueError("crop 'kimchi' is not in the catalogue")

    bus.consume(Q, handler)
    await bus.start()
    sent = envelope(crop="kimchi")
    await bus.publish(sent, {"x-request-id": "req-42"})

    letters = await eventually(lambda: bus.dead_letters(Q))
    assert isinstance(letters, list) and len(letters) == 1
    letter = letters[0]
    assert letter.envelope.event_id == sent.event_id and letter.envelope.data == {"crop": "kimchi"}
    assert letter.error == "ValueError: crop 'kimchi' is not in the catalogue"
    assert letter.attempts == 3 and len(calls) == 3  # first delivery + 2 retries
    assert letter.message_id and letter.headers["x-request-id"] == "req-42"
    assert await bus.dead_letters(Q) == letters  # peeking leaves it there
    assert (await bus.queue_lengths())[f"{Q}.dlq"] == 1

    fixed = True
    assert await bus.replay_dead_letters(Q, ["not-an-id"]) == 0
    assert await bus.replay_dead_letters(Q, [letter.message_id]) == 1
    await wait_until(lambda: len(calls) == 4)
    assert calls[-1].event_id == sent.event_id
    assert await bus.dead_letters(Q) == []
    await asyncio.sleep(0.2)
    assert len(calls) == 4


async def test_discard_removes_dead_letters_by_id_or_all(new_bus: MakeBus) -> None:
    bus = await new_bus()

    async def broken(_env: Envelope, _headers: Mapping[str, str]) -> None:
        raise RuntimeError("always")

    bus.consume(Q, broken)
    await bus.start()
    first, second, third = envelope(n=1), envelope(n=2), envelope(n=3)
    for env in (first, second, third):
        await bus.publish(env)
    letters = await eventually(lambda: _at_least(bus, 3))
    by_event = {letter.envelope.event_id: letter.message_id for letter in letters}  # type: ignore[attr-defined]

    assert await bus.discard_dead_letters(Q, [by_event[first.event_id]]) == 1
    left = {letter.envelope.event_id for letter in await bus.dead_letters(Q)}
    assert left == {second.event_id, third.event_id}
    assert await bus.discard_dead_letters(Q) == 2
    assert await bus.dead_letters(Q) == []
    assert (await bus.queue_lengths())[f"{Q}.dlq"] == 0


async def _at_least(bus: object, n: int) -> object:
    letters = await bus.dead_letters(Q)  # type: ignore[attr-defined]
    return letters if len(letters) >= n else None


async def test_an_event_published_before_the_consumer_starts_is_delivered(new_bus: MakeBus) -> None:
    publisher = await new_bus()
    await publisher.start()
    sent = envelope("esg.scored")
    await publisher.publish(sent)
    await asyncio.sleep(0.1)

    # the consuming service starts later (on RabbitMQ: another connection, as another process)
    consumer = publisher if isinstance(publisher, MemoryBus) else await new_bus()
    got: list[Envelope] = []

    async def handler(env: Envelope, _headers: Mapping[str, str]) -> None:
        got.append(env)

    consumer.consume("farm_updates", handler)
    await consumer.start()
    await wait_until(lambda: got)
    assert [e.event_id for e in got] == [sent.event_id]


async def test_stop_consuming_lets_the_handler_in_progress_finish(new_bus: MakeBus) -> None:
    bus = await new_bus()
    started = asyncio.Event()
    finished: list[Envelope] = []

    async def slow(env: Envelope, _headers: Mapping[str, str]) -> None:
        started.set()
        await asyncio.sleep(0.3)
        finished.append(env)

    bus.consume(Q, slow)
    await bus.start()
    await bus.publish(envelope())
    await asyncio.wait_for(started.wait(), 5)
    await bus.stop_consuming()
    assert len(finished) == 1  # finished before stop_consuming returned
    lengths = await bus.queue_lengths()
    assert (lengths[Q], lengths[f"{Q}.retry"]) == (0, 0)  # and it was acked, not requeued

    await bus.publish(envelope())  # no consumer any more: it waits in the queue
    await asyncio.sleep(0.1)
    assert len(finished) == 1
    assert (await bus.queue_lengths())[Q] == 1


async def test_publish_to_an_unreachable_broker_raises_bus_unavailable_quickly() -> None:
    bus = AmqpBus("amqp://guest:guest@127.0.0.1:1/", connect_timeout=1.0)
    async with asyncio.timeout(5):  # never hang
        with pytest.raises(BusUnavailable):
            await bus.publish(envelope())
        with pytest.raises(BusUnavailable):
            await bus.start()
        assert await bus.ping() is False
    await bus.close()


async def test_trace_context_crosses_publish_and_consume(
    new_bus: MakeBus, spans: InMemorySpanExporter
) -> None:
    bus = await new_bus()
    seen: list[tuple[dict[str, str], trace.SpanContext]] = []

    async def handler(_env: Envelope, headers: Mapping[str, str]) -> None:
        seen.append((dict(headers), trace.get_current_span().get_span_context()))

    bus.consume(Q, handler)
    await bus.start()
    sent = envelope()
    with trace.get_tracer("test").start_as_current_span("POST /api/v1/transactions") as request:
        await bus.publish(sent, {"x-request-id": "req-7"})
    await wait_until(lambda: seen)
    headers, context = seen[0]
    assert headers["x-request-id"] == "req-7" and "traceparent" in headers
    assert context.trace_id == request.get_span_context().trace_id

    await wait_until(lambda: any(s.name == f"{Q} process" for s in spans.get_finished_spans()))
    by_name = {s.name: s for s in spans.get_finished_spans()}
    consumer, producer = by_name[f"{Q} process"], by_name[next(n for n in by_name if n.endswith(" publish"))]
    assert consumer.kind is SpanKind.CONSUMER and producer.kind is SpanKind.PRODUCER
    assert producer.parent is not None and producer.parent.span_id == request.get_span_context().span_id
    assert consumer.parent is not None and consumer.parent.span_id == producer.context.span_id
    assert consumer.context.span_id == context.span_id
    attributes = dict(consumer.attributes or {})
    assert attributes["messaging.system"] == ("rabbitmq" if new_bus.kind == "amqp" else "memory")  # type: ignore[attr-defined]
    assert attributes["messaging.destination"] == Q
    assert attributes["pamtalk.event.type"] == "transaction.settled"
    assert attributes["pamtalk.event.id"] == str(sent.event_id)


@pytest.mark.integration
@pytest.mark.parametrize("new_bus", ["amqp"], indirect=True)
async def test_a_malformed_message_goes_straight_to_the_dead_letter_queue(new_bus: MakeBus) -> None:
    bus = await new_bus()
    calls: list[Envelope] = []

    async def handler(env: Envelope, _headers: Mapping[str, str]) -> None:
        calls.append(env)

    bus.consume(Q, handler)
    await bus.start()
    assert isinstance(bus, AmqpBus)
    connection = await aio_pika.connect(AMQP_URL)
    async with connection:
        channel = await connection.channel()
        await channel.default_exchange.publish(
            aio_pika.Message(b"{not json", message_id="m-1"), bus.physical(Q)
        )
    letters = await eventually(lambda: bus.dead_letters(Q))
    assert isinstance(letters, list)
    [letter] = letters
    assert letter.message_id == "m-1" and letter.attempts == 1 and calls == []
    assert letter.error.startswith("malformed envelope") and letter.envelope.data == {"body": "{not json"}


def test_make_bus_picks_the_implementation() -> None:
    assert isinstance(make_bus("memory", service="farm"), MemoryBus)
    amqp = make_bus("amqp://guest:guest@127.0.0.1:5672/", service="farm", queue_prefix="x.")
    assert isinstance(amqp, AmqpBus) and amqp.exchange_name == "x.pamtalk.events"
    with pytest.raises(ValueError, match="unsupported"):
        make_bus("kafka://user:secret@host")
