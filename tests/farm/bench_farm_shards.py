"""Benchmark: the farm page and the farm list with N farms on one instance against the same N
on two shards (services/farm/shards.py). Not collected by pytest.

    .venv/bin/python -m tests.farm.bench_farm_shards [--farms 1000000] [--runs 200]

Starts three PostgreSQL instances of its own in a scratch folder (gateway/datatier.py): "one"
holds every farm; "shard-1" (the service's database) and "shard-2" hold half each, split at
a boundary id with ``services.farm.shards.apply``. Farm ids are UUIDv7 spread over a year, as
the service makes them (tests/farm/bench_farm_list.py generates the other columns); each
half is inserted on its own instance directly, then ANALYZEd. Each query runs the service's
own statements (``store.farms.by_id``, ``store.farms.page``) through the kit's ``Database``,
timed from Python (the client's view: network and FDW round trips included); p50 and p95.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import shutil
import statistics
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from gateway.datatier import Instance
from pamtalk.db.database import Database
from pamtalk.db.migrations import upgrade
from pamtalk.db.statements import sql
from services.farm.listing import ListQuery, params_of
from services.farm.shards import ShardSpec, apply, boundary
from services.farm.store.farms import by_id, page
from services.farm.vocabulary import CROPS, REGIONS
from tests.farm.bench_farm_list import CENTRES, INSERT_TEXT
from tests.live_server import free_port
from tests.pg_pair import scratch_folder

YEAR_MS = 365 * 24 * 3600 * 1000
# The bench_farm_list insert with time-ordered ids: farm i was made at start + i * step ms.
INSERT_V7 = sql(
    INSERT_TEXT.replace("INSERT INTO farms ", "INSERT INTO farms_local ")
    .replace(
        "SELECT gen_random_uuid(),",
        "SELECT (lpad(to_hex(CAST(:start_ms AS bigint) + i * CAST(:step_ms AS bigint)), 12, '0')"
        " || '7' || substr(md5(i::text), 1, 3) || '8' || substr(md5(i::text || 'x'), 1, 15))::uuid,",
    )
    .replace("generate_series(1, :n)", "generate_series(CAST(:first AS int), CAST(:last AS int))")
)
IDS = sql("SELECT id FROM farms_local TABLESAMPLE SYSTEM (1) LIMIT 2000")
ANALYZE = sql("ANALYZE")
SHAPES = {
    "list: first page": ListQuery(statuses=("active",)),
    "list: region Jeonnam": ListQuery(statuses=("active",), region="Jeonnam"),
    "list: crop rice + organic": ListQuery(
        statuses=("active",), crops=("rice",), certifications=("organic",)
    ),
    "list: near Seoul 25 km": ListQuery(statuses=("active",), near=(37.5665, 126.9780), radius_km=25),
}


async def fill(url: str, first: int, last: int, start_ms: int, step_ms: int) -> None:
    db = Database(url, "farm_svc", pool_size=1)
    names = list(REGIONS)
    async with db.write() as tx:
        await tx.execute(
            INSERT_V7,
            first=first,
            last=last,
            start_ms=start_ms,
            step_ms=step_ms,
            crops=list(CROPS),
            names=names,
            lats=[CENTRES[r][0] for r in names],
            lons=[CENTRES[r][1] for r in names],
        )
    async with db.read() as read:
        await read.execute(ANALYZE)
    await db.close()


async def timings(db: Database, ids: list[uuid.UUID], runs: int) -> dict[str, tuple[float, float]]:
    out: dict[str, tuple[float, float]] = {}
    samples: list[float] = []
    async with db.read() as read:
        for farm_id in random.Random(7).choices(ids, k=runs):
            started = time.perf_counter()
            assert await by_id(read, farm_id) is not None
            samples.append((time.perf_counter() - started) * 1000)
        out["farm page (by id)"] = _p50_p95(samples)
        for name, query in SHAPES.items():
            values = params_of(query)
            samples = []
            for _ in range(max(20, runs // 4)):
                started = time.perf_counter()
                await page(read, values)
                samples.append((time.perf_counter() - started) * 1000)
            out[name] = _p50_p95(samples)
    return out


def _p50_p95(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[int(len(ordered) * 0.95) - 1]


async def main(root: Path, farms: int, runs: int, keep: bool = False) -> None:
    one, first, second = (Instance(root / name, free_port()) for name in ("one", "shard-1", "shard-2"))
    try:
        for instance in (one, first, second):
            await asyncio.to_thread(instance.init)
            await asyncio.to_thread(upgrade, "farm", instance.url())
        start = datetime.now(UTC) - timedelta(days=365)
        start_ms, step_ms = int(start.timestamp() * 1000), max(1, YEAR_MS // farms)
        half = farms // 2
        split = start + timedelta(milliseconds=(half + 1) * step_ms)
        began = time.perf_counter()
        await fill(one.url(), 1, farms, start_ms, step_ms)
        print(f"one instance: {farms:,} farms in {time.perf_counter() - began:.0f} s")
        # shard 2 first (its range, then the split at a boundary no row of shard 1 has reached)
        await fill(second.url(), half + 1, farms, start_ms, step_ms)
        await apply(first.url(), [ShardSpec(begins=split, url=second.url())])
        await fill(first.url(), 1, half, start_ms, step_ms)
        print(f"two shards: {half:,} + {farms - half:,} farms, boundary {boundary(split)}")
        results = {}
        for label, url, sources in (
            ("one instance", one.url(), (one,)),
            ("two shards", first.url(), (first, second)),
        ):
            ids: list[uuid.UUID] = []
            for source in sources:
                probe = Database(source.url(), "farm_svc", pool_size=1)
                async with probe.read() as read:
                    ids += [row["id"] for row in await read.fetch(IDS)]
                await probe.close()
            db = Database(url, "farm_svc", pool_size=1)
            await timings(db, ids, 20)  # warm the caches and the FDW connection
            results[label] = await timings(db, ids, runs)
            await db.close()
        print(f"{'query':32} {'one: p50 / p95 ms':>20} {'two shards: p50 / p95 ms':>26}")
        for name in results["one instance"]:
            a, b = results["one instance"][name], results["two shards"][name]
            print(f"{name:32} {a[0]:9.2f} / {a[1]:7.2f} {b[0]:13.2f} / {b[1]:7.2f}")
    finally:
        if keep:
            print(f"kept: {one.url()} {first.url()} {second.url()} (folder {root})")
        else:
            for instance in (one, first, second):
                instance.stop()
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--farms", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--keep", action="store_true", help="leave the instances running")
    args = parser.parse_args()
    asyncio.run(main(scratch_folder(), args.farms, args.runs, args.keep))
