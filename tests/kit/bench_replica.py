"""Benchmark of the read replica (not collected by pytest).

    .venv/bin/python -m tests.kit.bench_replica [--seconds 20] [--writers 8]

Starts a primary and its streaming hot standby of its own (gateway/datatier.py) and measures,
through the kit's ``Database``: the latency of one read on the primary, on the replica, and
on the replica by a user right after their own write (read-your-writes: the standby has to
have replayed it); then the replica's lag, as the watcher measures it every 0.2 s, while
``--writers`` tasks insert as fast as they can for ``--seconds``.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import time
import uuid
from pathlib import Path

from prometheus_client import REGISTRY
from redis.asyncio import Redis
from sqlalchemy import Column, MetaData, Table, Text, Uuid

from gateway.datatier import Pair
from pamtalk.context import user_id_var
from pamtalk.db.database import Database
from pamtalk.db.statements import sql
from tests.kit.db_support import create_tables
from tests.live_server import free_port
from tests.pg_pair import scratch_folder

ADD = sql("INSERT INTO notes (id, text) VALUES (:id, :text)")
ONE = sql("SELECT text FROM notes WHERE id = :id")
READS = 1000


def _summary(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    return f"p50 {statistics.median(ordered):6.2f} ms   p95 {p95:6.2f} ms"


async def reads(db: Database, role: str, note: uuid.UUID) -> list[float]:
    out = []
    for _ in range(READS):
        started = time.perf_counter()
        async with db.read(role) as read:  # type: ignore[arg-type]
            await read.fetchval(ONE, id=note)
        out.append((time.perf_counter() - started) * 1000)
    return out


async def own_writes(db: Database) -> tuple[list[float], float]:
    token = user_id_var.set(str(uuid.uuid4()))
    out = []
    served = {"service": db.producer, "role": "replica", "target": "replica"}
    before = REGISTRY.get_sample_value("database_reads_total", served) or 0.0
    try:
        for n in range(READS // 4):
            note = uuid.uuid4()
            async with db.write() as tx:
                await tx.execute(ADD, id=note, text=f"mine {n}")
            started = time.perf_counter()
            async with db.read("replica") as read:
                assert await read.fetchval(ONE, id=note) == f"mine {n}"
            out.append((time.perf_counter() - started) * 1000)
    finally:
        user_id_var.reset(token)
    after = REGISTRY.get_sample_value("database_reads_total", served) or 0.0
    return out, (after - before) / (READS // 4)


async def burst(db: Database, writers: int, seconds: float) -> tuple[int, list[float]]:
    replica = db.replica
    assert replica is not None
    end = time.monotonic() + seconds
    written = [0]

    async def writer() -> None:
        while time.monotonic() < end:
            async with db.write() as tx:
                await tx.execute(ADD, id=uuid.uuid4(), text="x" * 200)
            written[0] += 1

    lags: list[float] = []

    async def sampler() -> None:
        while time.monotonic() < end:
            lags.append(replica.lag or 0.0)
            await asyncio.sleep(0.2)

    await asyncio.gather(sampler(), *(writer() for _ in range(writers)))
    return written[0], lags


async def main(root: Path, seconds: float, writers: int) -> None:
    pair = Pair(root / "pg", free_port(), free_port())
    redis = Redis.from_url("redis://127.0.0.1:6379/14")
    try:
        await asyncio.to_thread(pair.up)
        metadata = MetaData(schema="bench_replica")
        Table("notes", metadata, Column("id", Uuid, primary_key=True), Column("text", Text, nullable=False))
        db = Database(pair.primary.url(), "bench_replica", pool_size=writers + 2)
        await create_tables(db, metadata)
        replica = db.attach_replica(pair.standby.url(), redis=redis, max_lag=5, wait=0.25, watch_seconds=0.2)
        db.start_replica()
        note = uuid.uuid4()
        async with db.write() as tx:
            await tx.execute(ADD, id=note, text="read me")
        deadline = time.monotonic() + 60
        while not (replica.usable and replica.lag == 0):
            assert time.monotonic() < deadline, "the standby did not catch up"
            await asyncio.sleep(0.05)
        await reads(db, "replica", note)  # warm both pools
        await reads(db, "primary", note)
        print(f"read on the primary:           {_summary(await reads(db, 'primary', note))}")
        print(f"read on the replica:           {_summary(await reads(db, 'replica', note))}")
        mine, share = await own_writes(db)
        print(f"own write, then replica read:  {_summary(mine)}   served by the standby: {share:.0%}")
        count, lags = await burst(db, writers, seconds)
        ordered = sorted(lags)
        print(
            f"{writers} writers for {seconds:.0f} s: {count / seconds:,.0f} writes/s; replica lag "
            f"p50 {statistics.median(ordered):.2f} s, p95 {ordered[int(len(ordered) * 0.95) - 1]:.2f} s, "
            f"max {ordered[-1]:.2f} s (watcher every 0.2 s)"
        )
        await db.close()
    finally:
        await redis.aclose()
        await asyncio.to_thread(pair.down)
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--writers", type=int, default=8)
    args = parser.parse_args()
    asyncio.run(main(scratch_folder(), args.seconds, args.writers))
