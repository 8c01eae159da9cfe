"""Benchmark of the notification consumer (not collected by pytest: no ``test_`` prefix).

    PAMTALK_TEST_REDIS_URL=redis://127.0.0.1:6379/12 \
        .venv/bin/python -m tests.notification.bench_consumer [--events 1000] [--rounds 5]

CPU time of this process per event (``time.process_time``: PostgreSQL's and Redis's own CPU
is not counted) of the service's bus handler (``consumers.build``): inbox claim, the
notifications' insert, the commit and the live announcement on Redis. The service runs
in-process on a scratch database with its migrations and the Redis of
``PAMTALK_TEST_REDIS_URL``; the handler is called directly, so the AMQP consume path (the
same for every handler, measured by ``tests/kit/bench_events.py``) is not in the figures.

Steps: a trade event (two notifications, producer and buyer), its redelivery (a duplicate:
nothing written, nothing announced) and a ``user.registered`` (the recipient upsert and a
welcome). The best of ``--rounds`` rounds is shown (least disturbed by other work)."""

from __future__ import annotations

import argparse
import time
import uuid

import uvloop

from pamtalk.events.envelope import Envelope
from services.notification import consumers
from services.notification.app import create_app
from tests.conftest import TokenFactory, scratch_database, service_client
from tests.notification.support import registered, trade
from tests.services_available import REDIS_URL


async def main(n: int, rounds: int) -> None:
    async with (
        scratch_database("pamtalk_bench") as url,
        service_client(
            create_app, service="notification", database_url=url, redis_url=REDIS_URL, tokens=TokenFactory()
        ) as (_, app),
    ):
        handler = consumers.build(app.state.runtime)

        async def cpu_ms(batch: list[Envelope]) -> float:
            started = time.process_time()
            for envelope in batch:
                await handler(envelope, {})
            return (time.process_time() - started) * 1000 / len(batch)

        def trades() -> list[Envelope]:
            return [Envelope.wrap(trade("settled", uuid.uuid4(), uuid.uuid4()), "bench") for _ in range(n)]

        def sign_ups() -> list[Envelope]:
            return [Envelope.wrap(registered(uuid.uuid4()), "bench") for _ in range(n)]

        results: dict[str, float] = {}
        for _ in range(rounds):
            batch = trades()
            for name, ms in (
                ("trade event (2 notifications)", await cpu_ms(batch)),
                ("trade event redelivered (duplicate)", await cpu_ms(batch)),
                ("user.registered (upsert + welcome)", await cpu_ms(sign_ups())),
            ):
                results[name] = min(results.get(name, float("inf")), ms)
        for name, ms in results.items():
            print(f"{name:<40} {ms:7.3f} ms CPU per event", flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    uvloop.run(main(args.events, args.rounds))  # the loop uvicorn runs the services on
