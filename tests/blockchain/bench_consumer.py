"""Benchmark of the blockchain service's consumer (not collected by pytest: no ``test_``).

    .venv/bin/python -m tests.blockchain.bench_consumer [--events 300] [--rounds 3]

CPU time of this process per event (``time.process_time``: PostgreSQL's own CPU is not
counted) of the service's ``blockchain_transactions`` handler (``blockchain_consumer``), called
as the bus calls it, on a scratch database with the service's migrations (its outbox relay
stopped: publishing is not the consumer's work), for each kind of event it takes:

- ``transaction.settled``: a ``trade_settled`` entry and the reward's ``token_minted`` entry,
  the wallet credit and its history row, three outbox events, a signed tree head;
- its redelivery (ignored by the inbox);
- ``esg.scored``: an ``esg_assessed`` entry, the assessment row, a signed tree head.

The best of ``--rounds`` rounds is shown. Run it from a checkout of the old code and of the
new one, back to back, to compare them."""

from __future__ import annotations

import random
import uuid

from pamtalk.db.statements import sql
from pamtalk.events.envelope import Envelope
from pamtalk.runtime import Runtime
from services.blockchain.app import create_app
from services.blockchain.consumers import blockchain_consumer
from tests.blockchain.support import scored, settled
from tests.transaction.bench_consumers import per_event, run

CHECK = sql(
    """
SELECT (SELECT count(*) FROM ledger_entries),
       (SELECT count(*) FROM wallets),
       (SELECT count(*) FROM esg_assessments),
       (SELECT max(tree_size) FROM tree_heads)
"""
)


async def bench(runtime: Runtime, n: int, rounds: int) -> None:
    handler = blockchain_consumer(runtime)
    rng = random.Random(1)
    producers = [uuid.uuid4() for _ in range(50)]

    def trades() -> list[Envelope]:
        return [
            Envelope.wrap(settled(rng.choice(producers), rng.randrange(10_000, 3_000_000), esg=80.0), "bench")
            for _ in range(n)
        ]

    settled_batches = [trades() for _ in range(rounds)]
    steps = {  # each: one batch of n events a round, in this order
        "transaction.settled (entry + mint)": settled_batches,
        "redelivery (inbox: ignored)": settled_batches,
        "esg.scored (entry + assessment)": [
            [Envelope.wrap(scored(rng.choice(producers)), "bench") for _ in range(n)] for _ in range(rounds)
        ],
    }
    for name, batches in steps.items():
        print(f"{name:<40} {await per_event(handler, batches):7.3f} ms CPU per event", flush=True)
    async with runtime.db.read() as read:  # the effects happened
        counts = await read.fetchrow(CHECK)
    print("entries, wallets, assessments, latest head size:", *(counts or ()), flush=True)


if __name__ == "__main__":
    run("blockchain", create_app, bench, __doc__)
