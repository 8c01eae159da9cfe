"""Benchmark of the transaction service's consumer (not collected by pytest: no ``test_``).

    .venv/bin/python -m tests.transaction.bench_consumers [--events 1000] [--rounds 5]

CPU time of this process per event (``time.process_time``: PostgreSQL's own CPU is not
counted) of the service's ``transaction_updates`` handler, called as the bus calls it, on a
scratch database with the service's migrations, for each kind of event it takes:

- ``farm.registered`` of new farms, then ``farm.updated`` of them (newer: applied), an older
  ``farm.updated`` (ignored by the read model's rule) and a redelivery (ignored by the inbox);
- ``transaction.flagged`` of pending trades (put under review).

The best of ``--rounds`` rounds is shown. Run it from a checkout of the old code and of the
new one, back to back, to compare them."""

from __future__ import annotations

import argparse
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import uvloop

from pamtalk.bus.base import Handler
from pamtalk.db.statements import sql
from pamtalk.events.catalogue import FarmRegistered, FarmSnapshot, FarmUpdated, TransactionFlagged
from pamtalk.events.envelope import Envelope
from pamtalk.runtime import Runtime
from services.transaction.app import create_app
from services.transaction.consumers import transaction_updates
from services.transaction.ids import new_trade_id, to_millisecond
from tests.conftest import TokenFactory, scratch_database, service_client
from tests.kit.bench_events import _each, cpu_per_event
from tests.services_available import REDIS_URL
from tests.transaction.support import farm_snapshot

AppFactory = Callable[..., Any]
Bench = Callable[[Runtime, int, int], Awaitable[None]]  # (runtime, events, rounds)
SEED_TRADES = sql("""
INSERT INTO transactions (id, created_at, farm_id, producer_id, buyer_id, buyer_role,
    crop, quantity, unit_price, total_value, quality_score, delivery_hours, payment_method, location,
    status, updated_at)
SELECT id, created_at, :farm_id, :producer_id, :buyer_id, 'consumer', 'rice', 10, 2500, 25000, 0.9, 48,
    'bank_transfer', 'Jeonnam', 'pending', created_at
FROM unnest(CAST(:ids AS uuid[]), CAST(:at AS timestamptz[])) AS t(id, created_at)
""")
CHECK = sql("""
SELECT (SELECT count(*) FROM farms),
       (SELECT count(*) FROM farms WHERE updated_at > received_at),
       (SELECT count(*) FROM transactions WHERE status = 'under_review')
""")


async def main(service: str, create_app: AppFactory, bench: Bench, n: int, rounds: int) -> None:
    """Run ``bench`` on the runtime of ``service`` (in-process, on a scratch database with its
    migrations and the Redis of ``PAMTALK_TEST_REDIS_URL``; its outbox relay stopped)."""
    async with (
        scratch_database(f"pamtalk_bench_{service}") as url,
        service_client(
            create_app,
            service=service,
            database_url=url,
            redis_url=REDIS_URL,
            tokens=TokenFactory(),
            db_pool_size=2,
        ) as (_, app),
    ):
        runtime = app.state.runtime
        await runtime.relay.stop()  # publishing is not the consumer's work: the outbox rows stay
        await bench(runtime, n, rounds)


def run(service: str, create_app: AppFactory, bench: Bench, doc: str | None) -> None:
    """The command line of a consumer benchmark (also ``tests/farm/bench_esg_scored.py``)."""
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    uvloop.run(main(service, create_app, bench, args.events, args.rounds))  # the services' loop


async def bench(runtime: Runtime, n: int, rounds: int) -> None:
    handler = transaction_updates(runtime)
    owner, now = uuid.uuid4(), datetime.now(UTC)
    farms = [[uuid.uuid4() for _ in range(n)] for _ in range(rounds)]

    def snapshots(ids: list[uuid.UUID], cls: type[FarmSnapshot], at: datetime) -> list[Envelope]:
        return [
            Envelope.wrap(farm_snapshot(farm, owner, cls, crops=["Tomatoes", "rice"], updated_at=at), "farm")
            for farm in ids
        ]

    newer = [snapshots(farms[-1], FarmUpdated, now + timedelta(hours=1, seconds=i)) for i in range(rounds)]
    steps = {  # each: one batch of n events a round, in this order
        "farm.registered (new farm)": [snapshots(ids, FarmRegistered, now) for ids in farms],
        "farm.updated (newer: applied)": newer,
        "farm.updated (older: ignored)": [
            snapshots(farms[-1], FarmUpdated, now - timedelta(days=1)) for _ in range(rounds)
        ],
        "redelivery (inbox: ignored)": [newer[-1]] * rounds,
        "transaction.flagged (under review)": [await flags(runtime, n, owner) for _ in range(rounds)],
    }
    for name, batches in steps.items():
        print(f"{name:<40} {await per_event(handler, batches):7.3f} ms CPU per event", flush=True)
    async with runtime.db.read() as read:  # the effects happened
        counts = await read.fetchrow(CHECK)
        print("farms, of them updated, trades under review:", *(counts or ()), flush=True)


async def per_event(handler: Handler, batches: list[list[Envelope]]) -> float:
    """Best CPU ms per event of the handler taking each batch in turn (one a round)."""
    chunks = iter(batches)
    return await cpu_per_event(len(batches[0]), len(batches), lambda: _each(handler, next(chunks)))


async def flags(runtime: Runtime, n: int, owner: uuid.UUID) -> list[Envelope]:
    """``transaction.flagged`` of n new pending trades."""
    now = datetime.now(UTC)
    at = [to_millisecond(now - timedelta(minutes=i % 500, microseconds=i)) for i in range(n)]
    ids = [new_trade_id(t) for t in at]
    async with runtime.db.write() as tx:
        await tx.execute(
            SEED_TRADES, ids=ids, at=at, farm_id=uuid.uuid4(), producer_id=owner, buyer_id=uuid.uuid4()
        )
    return [Envelope.wrap(flag(trade_id, owner), "prediction") for trade_id in ids]


def flag(trade_id: uuid.UUID, producer: uuid.UUID) -> TransactionFlagged:
    return TransactionFlagged(
        transaction_id=trade_id,
        producer_id=producer,
        buyer_id=uuid.uuid4(),
        score=0.91,
        risk_band="HIGH",
        reasons=["price z-score 3.4"],
    )


if __name__ == "__main__":
    run("transaction", create_app, bench, __doc__)
