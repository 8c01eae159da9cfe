"""Benchmark of the event path of the kit (not collected by pytest: no ``test_`` prefix).

    .venv/bin/python -m tests.kit.bench_events [--events 2000] [--rounds 3]

CPU time of this process per event (``time.process_time``, so PostgreSQL's and RabbitMQ's
own CPU is not counted), on a scratch schema of the local PostgreSQL and a scratch prefix
of the local RabbitMQ, one step at a time:

1. ``tx.add_event``: one transaction per event holding one insert (the change) and one
   ``add_event`` (the CPU of the change alone is measured and subtracted, so the figure is
   what the event adds);
2. the outbox relay: ``publish_pending`` until the table is empty (publish with confirm,
   mark sent), with the table full (rounds of a whole batch) and with one row per round
   (what a relay woken by each commit does at a low rate);
3. ``handle_once`` with an effect of one insert (plain SQL), then a redelivery
   (duplicate), then an event type with no effect (claim only), then the same effect applied
   in batches of 4 and of 16 (``apply_batch``: one transaction, one claim statement);
4. the AMQP consume path: events published to a queue of the scratch topology, consumed by
   an ``AmqpBus`` with a handler that does nothing (consume, ack), one at a time and in
   batches (up to 16 in one multiple ack).

The best of ``--rounds`` rounds is shown (least disturbed by other work on the machine)."""

from __future__ import annotations

import argparse
import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from contextlib import nullcontext

import aio_pika
import uvloop
from sqlalchemy import Column, Integer, MetaData, String, Table

from pamtalk.bus.amqp import AmqpBus
from pamtalk.bus.base import Delivery
from pamtalk.db.database import Database
from pamtalk.db.inbox import Effects, handle_once, inbox_table
from pamtalk.db.outbox import OutboxRelay, outbox_table
from pamtalk.db.statements import sql
from pamtalk.db.tx import Tx
from pamtalk.events.catalogue import UserRegistered
from pamtalk.events.envelope import Envelope
from tests.conftest import scratch_database
from tests.kit.db_support import create_tables, drop_schema
from tests.services_available import AMQP_URL as AMQP

CHANGE = sql("INSERT INTO effects (email) VALUES (:email)")


def registered(i: int) -> UserRegistered:
    return UserRegistered(user_id=uuid.uuid4(), email=f"b{i}@bench.kr", display_name="B", role="farmer")


async def cpu_per_event(n: int, rounds: int, step: Callable[[], Awaitable[None]]) -> float:
    """Best CPU ms per event of ``step`` (which handles ``n`` events) over ``rounds`` rounds."""
    best = float("inf")
    for _ in range(rounds):
        started = time.process_time()
        await step()
        best = min(best, (time.process_time() - started) * 1000 / n)
    return best


async def main(n: int, rounds: int) -> None:
    async with scratch_database("pamtalk_bench") as url:
        await bench(n, rounds, url)


async def bench(n: int, rounds: int, url: str) -> None:
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    metadata = MetaData(schema=schema)
    outbox_table(metadata), inbox_table(metadata)
    Table("effects", metadata, Column("id", Integer, primary_key=True), Column("email", String))
    db = Database(url, schema, producer="bench", pool_size=4, max_overflow=0)
    await create_tables(db, metadata)
    prefix = f"bench-{uuid.uuid4().hex[:8]}."
    bus = AmqpBus(AMQP, queue_prefix=prefix, service="bench", prefetch=4)  # the services' prefetch
    try:
        await bus.start()
        results: dict[str, float] = {}

        async def changes() -> None:
            for i in range(n):
                async with db.write() as tx:
                    await tx.execute(CHANGE, email=f"b{i}")

        async def changes_with_events() -> None:
            for i in range(n):
                async with db.write() as tx:
                    await tx.execute(CHANGE, email=f"b{i}")
                    await tx.add_event(registered(i))

        relay = OutboxRelay(db, bus)

        async def relay_all() -> None:
            while await relay.publish_pending():
                pass

        plain = await cpu_per_event(n, rounds, changes)
        results["a change: transaction with one insert"] = plain
        add_total = 0.0
        relay_best = float("inf")
        for _ in range(rounds):  # the relay needs rows: one add round, then one relay round
            add_total = min(add_total or float("inf"), await cpu_per_event(n, 1, changes_with_events))
            relay_best = min(relay_best, await cpu_per_event(n, 1, relay_all))
        results["add_event in it (the change subtracted)"] = add_total - plain
        results["relay: publish + confirm + mark sent"] = relay_best

        async def relay_one_by_one() -> float:
            spent = 0.0
            for i in range(n):
                async with db.write() as tx:
                    await tx.add_event(registered(i))
                started = time.process_time()
                await relay.publish_pending()
                spent += time.process_time() - started
            return spent * 1000 / n

        results["relay: the same, one event per round"] = min(
            [await relay_one_by_one() for _ in range(rounds)]
        )

        async def apply(tx: Tx, event: UserRegistered, envelope: Envelope) -> None:
            await tx.execute(CHANGE, email=event.email)

        handler = handle_once(db, "bench", Effects().on(UserRegistered, apply))
        handled: list[Envelope] = []

        async def fresh_events() -> float:
            batch = [Envelope.wrap(registered(i), "bench") for i in range(n)]
            started = time.process_time()
            await _each(handler, batch)
            handled[:] = batch
            return (time.process_time() - started) * 1000 / n

        results["handle_once, one insert as effect"] = min([await fresh_events() for _ in range(rounds)])
        for size in (4, 16):

            async def in_batches(size: int = size) -> float:
                batch = [Envelope.wrap(registered(i), "bench") for i in range(n)]
                started = time.process_time()
                for i in range(0, n, size):
                    await handler.apply_batch([Delivery(e, {}, nullcontext) for e in batch[i : i + size]])
                return (time.process_time() - started) * 1000 / n

            results[f"handle_once, batches of {size}"] = min([await in_batches() for _ in range(rounds)])
        results["handle_once, duplicate"] = await cpu_per_event(n, rounds, lambda: _each(handler, handled))
        ignored = [
            Envelope(
                type="ledger.recorded", data={"index": i, "kind": "k", "reference": "r", "leaf_hash": "h"}
            )
            for i in range(n * rounds)
        ]
        chunks = iter([ignored[i * n : (i + 1) * n] for i in range(rounds)])
        results["handle_once, no effect for the type"] = await cpu_per_event(
            n, rounds, lambda: _each(handler, next(chunks))
        )
        results["AMQP consume + ack (empty handler)"] = await consume_cost(bus, prefix, n, rounds)
        batching = AmqpBus(AMQP, queue_prefix=prefix, service="bench", batch=16, batch_wait=0.005)
        await batching.start()
        try:
            results["AMQP consume + ack, batches of up to 16"] = await consume_cost(
                batching, prefix, n, rounds, batched=True
            )
        finally:
            await batching.close()
        for name, ms in results.items():
            print(f"{name:<44} {ms:7.3f} ms CPU per event", flush=True)
    finally:
        await bus.close()
        await _delete_topology(bus)
        await drop_schema(db)


async def _each(
    handler: Callable[[Envelope, dict[str, str]], Awaitable[None]], batch: list[Envelope]
) -> None:
    for envelope in batch:
        await handler(envelope, {})


async def consume_cost(bus: AmqpBus, prefix: str, n: int, rounds: int, batched: bool = False) -> float:
    """CPU per message of consuming: messages are put in the queue first (not measured)."""
    queue = "farm_updates"  # bound to esg.scored only; filled straight through the default exchange
    body = Envelope(type="esg.scored", producer="bench", data={"n": 1}).model_dump_json().encode()
    best = float("inf")
    for _ in range(rounds):
        connection = await aio_pika.connect(AMQP)
        async with connection:
            channel = await connection.channel(publisher_confirms=True)
            await asyncio.gather(
                *(
                    channel.default_exchange.publish(
                        aio_pika.Message(body, headers={"x-request-id": "r"}, message_id=uuid.uuid4().hex),
                        bus.physical(queue),
                    )
                    for _ in range(n)
                )
            )
        done = asyncio.Event()
        handler = _Counting(n, done) if batched else _counting(n, done)

        started = time.process_time()
        bus.consume(queue, handler)
        await asyncio.wait_for(done.wait(), 120)
        await bus.stop_consuming()
        best = min(best, (time.process_time() - started) * 1000 / n)
        bus._consuming = True
    return best


def _counting(n: int, done: asyncio.Event) -> Callable[[Envelope, object], Awaitable[None]]:
    """A handler that sets ``done`` at its ``n``-th message."""
    seen = 0

    async def handler(envelope: Envelope, headers: object) -> None:
        nonlocal seen
        seen += 1
        if seen == n:
            done.set()

    return handler


class _Counting:
    """``_counting`` taking batches too."""

    def __init__(self, n: int, done: asyncio.Event) -> None:
        self.n, self.seen, self.done = n, 0, done

    def _count(self, k: int) -> None:
        self.seen += k
        if self.seen >= self.n:
            self.done.set()

    async def __call__(self, envelope: Envelope, headers: object) -> None:
        self._count(1)

    async def apply_batch(self, deliveries: Sequence[Delivery]) -> None:
        self._count(len(deliveries))


async def _delete_topology(bus: AmqpBus) -> None:
    connection = await aio_pika.connect(AMQP)
    async with connection:
        channel = await connection.channel()
        for name in bus.declared_queues():
            await channel.queue_delete(name)
        await channel.exchange_delete(bus.exchange_name)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    uvloop.run(main(args.events, args.rounds))  # the loop uvicorn runs the services on
