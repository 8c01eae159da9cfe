"""Benchmark of the farm service's ``esg.scored`` consumer (not collected by pytest).

    .venv/bin/python -m tests.farm.bench_esg_scored [--events 1000] [--rounds 5]

CPU time of this process per event (``time.process_time``: PostgreSQL's and Redis's own CPU
is not counted) of the service's ``farm_updates`` handler, called as the bus calls it, on a
scratch database with the farm migrations holding ``--events`` farms with one ESG submission
each: an ``esg.scored`` of each (the grade moves, ``farm.updated`` is queued), a redelivery
of them (ignored by the inbox) and older ones (recorded nowhere: the grade is newer). The
handler invalidates the list cache (Redis) once an event that moved a grade has committed;
that step is measured alone too. The best of ``--rounds`` rounds is shown. Run it from a
checkout of the old code and of the new one, back to back, to compare them."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

from pamtalk.db.statements import sql
from pamtalk.events.catalogue import EsgScored
from pamtalk.events.envelope import Envelope
from pamtalk.runtime import Runtime, service_state
from services.farm.app import create_app
from services.farm.consumers import esg_scored_consumer
from services.farm.state import FarmState
from tests.kit.bench_events import _each, cpu_per_event
from tests.transaction.bench_consumers import run

SEED = sql(
    """
WITH farms AS (
    INSERT INTO farms (id, owner_id, name, region, latitude, longitude, size_ha, established,
        contact_phone, contact_email, certifications, crops, status, created_at, updated_at, version)
    SELECT gen_random_uuid(), gen_random_uuid(), 'Farm ' || i, 'Jeonnam', 34.8, 126.9, 5, date '2010-01-01',
        '+82 10-0000-0000', 'farm' || i || '@example.com', ARRAY['organic'], ARRAY['rice'], 'active',
        now(), now(), 1
    FROM generate_series(1, :n) AS i
    RETURNING id, owner_id
)
INSERT INTO esg_submissions (id, farm_id, submitted_by, submitted_at, data, assessment)
SELECT gen_random_uuid(), id, owner_id, now(), '{}'::jsonb, 'null'::jsonb FROM farms
RETURNING id, farm_id, submitted_by
"""
)
CHECK = sql(
    """
SELECT (SELECT count(*) FROM farms WHERE esg_grade IS NOT NULL),
       (SELECT count(*) FROM esg_submissions WHERE assessment <> 'null'::jsonb),
       (SELECT count(*) FROM outbox WHERE routing_key = 'farm.updated')
"""
)


def scored(submission: uuid.UUID, farm: uuid.UUID, owner: uuid.UUID, score: float) -> EsgScored:
    return EsgScored(
        assessment_id=uuid.uuid4(),
        submission_id=submission,
        farm_id=farm,
        owner_id=owner,
        environmental=80.0,
        social=85.0,
        governance=90.0,
        overall=score,
        grade="Gold" if score >= 80 else "Silver",
        token_estimate=120_000,
        valid_until=date.today() + timedelta(days=365),
    )


async def bench(runtime: Runtime, n: int, rounds: int) -> None:
    handler = esg_scored_consumer(runtime)
    async with runtime.db.write() as tx:
        seeded = await tx.fetch(SEED, n=n)
    now = datetime.now(UTC)

    def batch(i: int, at: datetime) -> list[Envelope]:
        """A score of every seeded submission, assessed at ``at``."""
        events = [
            scored(submission, farm, owner, 60 + (i + k) % 40)
            for k, (submission, farm, owner) in enumerate(seeded)
        ]
        return [Envelope.wrap(event, "prediction").model_copy(update={"occurred_at": at}) for event in events]

    newer = [batch(i, now + timedelta(hours=1, seconds=i)) for i in range(rounds)]
    steps = {  # each: one batch of n events a round, in this order
        "esg.scored (grade moved, farm.updated)": newer,
        "redelivery (inbox: ignored)": [newer[-1]] * rounds,
        "older esg.scored (nothing moves)": [batch(i, now - timedelta(days=1)) for i in range(rounds)],
    }
    for name, batches in steps.items():
        chunks = iter(batches)
        ms = await cpu_per_event(n, rounds, lambda chunks=chunks: _each(handler, next(chunks)))
        print(f"{name:<40} {ms:7.3f} ms CPU per event", flush=True)
    cache = service_state(runtime, FarmState).list_cache

    async def invalidations() -> None:
        for _ in range(n):
            await cache.invalidate()

    ms = await cpu_per_event(n, rounds, invalidations)
    print(f"{'of which: list cache invalidation':<40} {ms:7.3f} ms CPU per event", flush=True)
    async with runtime.db.read() as read:  # the effects happened
        counts = await read.fetchrow(CHECK)
    print("farms graded, submissions scored, farm.updated queued:", *counts, flush=True)


if __name__ == "__main__":
    run("farm", create_app, bench, __doc__)
