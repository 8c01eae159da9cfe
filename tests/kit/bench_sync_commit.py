"""What the ledger's synchronous commit costs: the same one-row write transaction committed
with ``synchronous_commit = on`` (waits for the standby, the blockchain service's setting) and
``local`` (every other service), alternated in rounds on a pair of its own (tests/pg_pair.py).
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


async def commit_ms(db: Database, commits: int) -> float:
    began = time.perf_counter()
    for _ in range(commits):
        async with db.write() as tx:
            await tx.execute(ADD, id=uuid.uuid4(), text="bench")
    return (time.perf_counter() - began) / commits * 1000


async def main(rounds: int, commits: int) -> None:
    root = scratch_folder()
    pair = TestPair(root / "pg", free_port(), free_port())
    await asyncio.to_thread(pair.up, 180)
    try:
        url = pair.primary.url()
        pools = {
            "local": Database(url, SCHEMA, pool_size=1),
            "on": Database(url, SCHEMA, pool_size=1, synchronous_commit="on"),
        }
        await create_tables(pools["local"], notes())
        measured: dict[str, list[float]] = {name: [] for name in pools}
        for _ in range(rounds):
            for name, db in pools.items():
                measured[name].append(await commit_ms(db, commits))
        for name, values in measured.items():
            shown = ", ".join(f"{v:.3f}" for v in values)
            median = statistics.median(values)
            print(f"synchronous_commit={name:<5} ms per commit: median {median:.3f} ({shown})")
        for db in pools.values():
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
