"""What a commit's durability costs: the same one-row write transaction committed with
``synchronous_commit = on`` (waits for the standby, the blockchain service's setting),
``local`` (every other service) and ``off`` (``Database.write(durable=False)``: the outbox
relay's marks), alternated in rounds on a pair of its own (tests/pg_pair.py): milliseconds per
commit as the client waits, and the CPU of the pair's PostgreSQL processes per commit.
A benchmark, not a test: ``.venv/bin/python -m tests.kit.bench_sync_commit [--rounds 6]``."""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import time
import uuid

from pamtalk.db.database import Database
from tests.kit.db_support import create_tables
from tests.kit.test_ledger_durability import ADD, SCHEMA, notes
from tests.live_server import free_port
from tests.pg_pair import TestPair, scratch_folder
from tests.postgres_cpu import postgres_cpu


async def commit_ms(db: Database, commits: int, durable: bool, pair: TestPair) -> tuple[float, float]:
    """(ms per commit as the client waits, ms of PostgreSQL CPU per commit)."""
    instances = [pair.primary, pair.standby]
    cpu = postgres_cpu(instances)
    began = time.perf_counter()
    for _ in range(commits):
        async with db.write(durable=durable) as tx:
            await tx.execute(ADD, id=uuid.uuid4(), text="bench")
    waited = (time.perf_counter() - began) / commits * 1000
    return waited, (postgres_cpu(instances) - cpu) / commits * 1000


async def main(rounds: int, commits: int) -> None:
    root = scratch_folder()
    pair = TestPair(root / "pg", free_port(), free_port())
    await asyncio.to_thread(pair.up, 180)
    try:
        url = pair.primary.url()
        local = Database(url, SCHEMA, pool_size=1)
        ways = {  # name: (pool, durable)
            "local": (local, True),
            "on": (Database(url, SCHEMA, pool_size=1, synchronous_commit="on"), True),
            "off": (local, False),
        }
        await create_tables(local, notes())
        measured: dict[str, list[tuple[float, float]]] = {name: [] for name in ways}
        for _ in range(rounds):
            for name, (db, durable) in ways.items():
                measured[name].append(await commit_ms(db, commits, durable, pair))
        for name, values in measured.items():
            waited = statistics.median(v[0] for v in values)
            cpu = statistics.median(v[1] for v in values)
            shown = ", ".join(f"{v[0]:.3f}/{v[1]:.3f}" for v in values)
            print(
                f"synchronous_commit={name:<5} per commit: median {waited:.3f} ms waited, "
                f"{cpu:.3f} ms of PostgreSQL CPU ({shown})"
            )
        for db, _ in ways.values():
            await db.close()
    finally:
        await asyncio.to_thread(pair.down)
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--commits", type=int, default=300)
    args = parser.parse_args()
    asyncio.run(main(args.rounds, args.commits))
