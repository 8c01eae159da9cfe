"""Benchmark: what a farm page of shard 2 costs PostgreSQL, read through the one table
(``postgres_fdw``: a remote transaction on the shard for one row) and read on the shard itself
(``services/farm/shard_reads.py``). Not collected by pytest; runs against `make up`'s data tier:

    .venv/bin/python -m tests.farm.bench_shard_page [--primary URL] [--replica URL] [--shard URL]

The farms are the shard's own (``farms_local``: seed some first, e.g. with the load tool's
``--seed``). Each way reads the same random ids with the service's own statements
(``store.farms.by_id`` on the replica, as the page did; ``store.farms.by_id_on_shard`` on the
shard, as it does now), one at a time, alternated in rounds; the CPU of every PostgreSQL
process on the machine per read, and the client's.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable

from asyncpg import Record

from pamtalk.db.database import Database, Role
from pamtalk.db.tx import Read
from services.farm.shards import SCHEMA
from services.farm.store.farms import by_id, by_id_on_shard
from tests.postgres_cpu import postgres_cpu

ReadOne = Callable[[Read, uuid.UUID], Awaitable[Record | None]]


async def one_way(db: Database, read_one: ReadOne, ids: list[uuid.UUID], role: Role) -> tuple[float, float]:
    """(ms of PostgreSQL CPU, ms of client CPU) per read."""
    server, client = postgres_cpu(), time.process_time()
    for farm_id in ids:
        async with db.read(role) as read:
            assert await read_one(read, farm_id) is not None
    return (
        (postgres_cpu() - server) / len(ids) * 1000,
        (time.process_time() - client) / len(ids) * 1000,
    )


async def main(primary: str, replica: str, shard: str, reads: int, rounds: int) -> None:
    one_table = Database(primary, SCHEMA, pool_size=1)
    one_table.attach_replica(replica, redis=None, max_lag=60, wait=0.25, watch_seconds=0.5)
    one_table.start_replica()
    direct = Database(shard, SCHEMA, pool_size=1)
    try:
        async with direct.read() as read:
            rows = await read.conn.fetch("SELECT id FROM farm_svc.farms_local")
        ids = [row["id"] for row in rows]
        if not ids:
            raise SystemExit("shard 2 holds no farm: seed some first")
        await asyncio.sleep(1.5)  # the replica's watcher has sampled
        ways: dict[str, tuple[Database, ReadOne, Role]] = {
            "one table, on the replica (postgres_fdw)": (one_table, by_id, "replica"),
            "on the shard itself": (direct, by_id_on_shard, "primary"),
        }
        measured: dict[str, list[tuple[float, float]]] = {name: [] for name in ways}
        for _ in range(rounds):
            sample = random.choices(ids, k=reads)
            for name, (db, read_one, role) in ways.items():
                measured[name].append(await one_way(db, read_one, sample, role))
        for name, values in measured.items():
            server = statistics.median(v[0] for v in values)
            client = statistics.median(v[1] for v in values)
            print(
                f"{name:<42} PostgreSQL {server:.3f} ms, client {client:.3f} ms a page (median of {rounds})"
            )
    finally:
        await one_table.close()
        await direct.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--primary", default="postgresql://postgres@127.0.0.1:5433/pamtalk")
    parser.add_argument("--replica", default="postgresql://postgres@127.0.0.1:5434/pamtalk")
    parser.add_argument("--shard", default="postgresql://postgres@127.0.0.1:5435/pamtalk")
    parser.add_argument("--reads", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    asyncio.run(main(args.primary, args.replica, args.shard, args.reads, args.rounds))
