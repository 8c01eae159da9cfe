"""Benchmark of the notification consumer (not collected by pytest: no ``test_`` prefix).

    PAMTALK_TEST_REDIS_URL=redis://127.0.0.1:6379/12 \
        .venv/bin/python -m tests.notification.bench_consumer [--events 1000] [--rounds 5]

CPU time per event of the service's bus handler (``consumers.build``): inbox claim, the
notifications' insert, the commit and the live announcement on Redis - this process's
(``time.process_time``) and, apart, PostgreSQL's (every PostgreSQL process of the machine:
run it on a quiet machine). The service runs
in-process on a scratch database with its migrations and the Redis of
``PAMTALK_TEST_REDIS_URL``; the handler is called directly, so the AMQP consume path (the
same for every handler, measured by ``tests/kit/bench_events.py``) is not in the figures.

Steps: a trade event (two notifications, producer and buyer) alone, the same events in
batches of four (``apply_batch``, as the AMQP bus hands them over when several wait), a
redelivery (a duplicate: nothing written, nothing announced) and a ``user.registered`` (the
recipient upsert and a welcome). The best of ``--rounds`` rounds is shown (least disturbed by
other work)."""

from __future__ import annotations

import argparse
import time
import uuid
from contextlib import nullcontext

import uvloop

from pamtalk.bus.base import Delivery
from pamtalk.events.envelope import Envelope
from services.notification import consumers
from services.notification.app import create_app
from tests.conftest import TokenFactory, scratch_database, service_client
from tests.notification.support import registered, trade
from tests.postgres_cpu import postgres_cpu
from tests.services_available import REDIS_URL


async def main(n: int, rounds: int) -> None:
    async with (
        scratch_database("pamtalk_bench") as url,
        service_client(
            create_app, service="notification", database_url=url, redis_url=REDIS_URL, tokens=TokenFactory()
        ) as (_, app),
    ):
        handler = consumers.build(app.state.runtime)

        async def cpu_ms(batch: list[Envelope], size: int = 1) -> tuple[float, float]:
            started, pg_started = time.process_time(), postgres_cpu()
            if size == 1:
                for envelope in batch:
                    await handler(envelope, {})
            else:
                for i in range(0, len(batch), size):
                    await handler.apply_batch([Delivery(e, {}, nullcontext) for e in batch[i : i + size]])
            client, pg = time.process_time() - started, postgres_cpu() - pg_started
            return client * 1000 / len(batch), pg * 1000 / len(batch)

        def trades() -> list[Envelope]:
            return [Envelope.wrap(trade("settled", uuid.uuid4(), uuid.uuid4()), "bench") for _ in range(n)]

        def sign_ups() -> list[Envelope]:
            return [Envelope.wrap(registered(uuid.uuid4()), "bench") for _ in range(n)]

        results: dict[str, tuple[float, float]] = {}
        for _ in range(rounds):
            batch = trades()
            for name, ms in (
                ("trade event (2 notifications)", await cpu_ms(batch)),
                ("trade events in batches of 4", await cpu_ms(trades(), 4)),
                ("trade event redelivered (duplicate)", await cpu_ms(batch)),
                ("user.registered (upsert + welcome)", await cpu_ms(sign_ups())),
            ):
                best = results.get(name, (float("inf"), float("inf")))
                results[name] = (min(best[0], ms[0]), min(best[1], ms[1]))
        print(f"{'ms of CPU per event':<40} {'client':>7} {'postgres':>9}")
        for name, (client, pg) in results.items():
            print(f"{name:<40} {client:7.3f} {pg:9.3f}", flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    uvloop.run(main(args.events, args.rounds))  # the loop uvicorn runs the services on
