"""Benchmark of the farm list at a million farms (not collected by pytest).

    .venv/bin/python -m tests.farm.bench_farm_list [--farms 1000000] [--keep]

Creates a scratch database, applies the farm migrations (so the real indexes), bulk-inserts
farms with generate_series (statuses, regions, crops, certifications, grades and positions
spread like a national catalogue), ANALYZEs, then for every list query shape runs the exact
statement the service runs (``store.farms.page_statement``, with the values ``listing.params_of``
gives it) under EXPLAIN ANALYZE and prints the plan's top index and the timings (median of
several runs, warm cache; planned for its values each time, as a literal query would be)."""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
import uuid
from typing import Any

import asyncpg
import orjson

from pamtalk.db.database import Database
from pamtalk.db.migrations import upgrade
from pamtalk.db.statements import Sql, sql
from pamtalk.db.tx import Read
from pamtalk.pagination import encode_cursor
from services.farm.listing import ListQuery, params_of
from services.farm.store.farms import page, page_statement
from services.farm.vocabulary import CROPS, REGIONS

SERVER = "postgresql://postgres@127.0.0.1:5432"
DB = "farm_bench"
RUNS = 7

# Regions with a rough centre each; positions scatter ±0.4° around it (inside Korea).
CENTRES = {
    "Seoul": (37.56, 126.98), "Busan": (35.18, 129.07), "Daegu": (35.87, 128.60),
    "Incheon": (37.46, 126.70), "Gwangju": (35.16, 126.85), "Daejeon": (36.35, 127.38),
    "Ulsan": (35.54, 129.31), "Sejong": (36.48, 127.29), "Gyeonggi": (37.27, 127.01),
    "Gangwon": (37.75, 128.20), "Chungbuk": (36.64, 127.49), "Chungnam": (36.52, 126.80),
    "Jeonbuk": (35.72, 127.15), "Jeonnam": (34.82, 126.89), "Gyeongbuk": (36.25, 128.80),
    "Gyeongnam": (35.24, 128.26), "Jeju": (33.40, 126.55),
}  # fmt: skip

INSERT_TEXT = """
INSERT INTO farms (id, owner_id, name, region, latitude, longitude, size_ha, established,
    contact_phone, contact_email, certifications, crops, status, esg_score, esg_grade, esg_grade_rank,
    created_at, updated_at, version)
SELECT gen_random_uuid(),
       md5('owner' || (i % 200000))::uuid,
       'Farm ' || i,
       r.name,
       r.lat + (random() - 0.5) * 0.8,
       r.lon + (random() - 0.5) * 0.8,
       0.5 + random() * 60,
       date '1960-01-01' + (random() * 23000)::int,
       '+82 10-0000-0000', 'farm' || i || '@example.com',
       (ARRAY[]::text[])
         || CASE WHEN random() < 0.30 THEN ARRAY['organic'] ELSE ARRAY[]::text[] END
         || CASE WHEN random() < 0.15 THEN ARRAY['global_gap'] ELSE ARRAY[]::text[] END
         || CASE WHEN random() < 0.03 THEN ARRAY['rainforest_alliance'] ELSE ARRAY[]::text[] END,
       ARRAY[(CAST(:crops AS text[]))[1 + (i % 5)]]
         || CASE WHEN random() < 0.4 THEN ARRAY[(CAST(:crops AS text[]))[1 + ((i / 5) % 5)]]
                 ELSE ARRAY[]::text[] END,
       CASE WHEN g.u < 0.90 THEN 'active' WHEN g.u < 0.97 THEN 'inactive' ELSE 'suspended' END,
       g.score,
       CASE WHEN g.score IS NULL THEN NULL WHEN g.score >= 90 THEN 'Platinum' WHEN g.score >= 80 THEN 'Gold'
            WHEN g.score >= 70 THEN 'Silver' WHEN g.score >= 60 THEN 'Bronze' ELSE 'Candidate' END,
       CASE WHEN g.score IS NULL THEN NULL WHEN g.score >= 90 THEN 4 WHEN g.score >= 80 THEN 3
            WHEN g.score >= 70 THEN 2 WHEN g.score >= 60 THEN 1 ELSE 0 END,
       now(), now(), 1
FROM generate_series(1, :n) AS i
CROSS JOIN LATERAL (SELECT (i::bigint * 7919) % 17 AS k) AS pick
JOIN (SELECT ordinality - 1 AS k, name, lat, lon
      FROM unnest(CAST(:names AS text[]), CAST(:lats AS float8[]), CAST(:lons AS float8[]))
           WITH ORDINALITY AS t(name, lat, lon)) AS r ON r.k = pick.k
CROSS JOIN LATERAL (  -- "i" makes it correlated: evaluated (random) per row, not once
    SELECT random() AS u, CASE WHEN random() < 0.4 OR i < 0 THEN NULL ELSE 40 + random() * 55 END AS score
) AS g
"""
INSERT = sql(INSERT_TEXT)
ACTIVE = sql("SELECT count(*) FROM farms WHERE status = 'active'")
MIDDLE = sql("SELECT id FROM farms WHERE status = 'active' ORDER BY id OFFSET :o LIMIT 1")
AN_OWNER = sql("SELECT owner_id FROM farms LIMIT 1")
VACUUM = sql("VACUUM ANALYZE farms")
CUSTOM_PLANS = sql("SET plan_cache_mode = force_custom_plan")


def shapes(middle_id: uuid.UUID, owner: uuid.UUID, near_cursor: str) -> dict[str, ListQuery]:
    active = ("active",)
    seoul = (37.5665, 126.9780)
    return {
        "public, first page": ListQuery(statuses=active),
        "public, page at the middle (cursor)": ListQuery(statuses=active, cursor=encode_cursor(middle_id)),
        "region": ListQuery(statuses=active, region="Jeonnam"),
        "region + crop": ListQuery(statuses=active, region="Gyeonggi", crops=("rice",)),
        "crop": ListQuery(statuses=active, crops=("lettuce",)),
        "two crops": ListQuery(statuses=active, crops=("lettuce", "carrots")),
        "certification (common)": ListQuery(statuses=active, certifications=("organic",)),
        "certification (rare, 3 %)": ListQuery(statuses=active, certifications=("rainforest_alliance",)),
        "min grade Silver": ListQuery(statuses=active, min_grade="Silver"),
        "min grade Platinum": ListQuery(statuses=active, min_grade="Platinum"),
        "region + certification + min grade": ListQuery(
            statuses=active, region="Jeju", certifications=("organic",), min_grade="Gold"
        ),
        "hard: 3 certifications + Platinum": ListQuery(
            statuses=active,
            certifications=("organic", "global_gap", "rainforest_alliance"),
            min_grade="Platinum",
        ),
        "hard: rare certification + two crops": ListQuery(
            statuses=active, crops=("tomatoes", "rice"), certifications=("rainforest_alliance",)
        ),
        "mine (owner, all statuses)": ListQuery(statuses=("active", "inactive", "suspended"), owner_id=owner),
        "admin: suspended": ListQuery(statuses=("suspended",)),
        "near Seoul, 5 km": ListQuery(statuses=active, near=seoul, radius_km=5),
        "near Seoul, 25 km": ListQuery(statuses=active, near=seoul, radius_km=25),
        "near Seoul, 25 km, page 2": ListQuery(statuses=active, near=seoul, radius_km=25, cursor=near_cursor),
        "near Seoul, 25 km + crop": ListQuery(statuses=active, near=seoul, radius_km=25, crops=("rice",)),
        "near Seoul, 25 km + min grade Gold": ListQuery(
            statuses=active, near=seoul, radius_km=25, min_grade="Gold"
        ),
        "near Jeju, 50 km": ListQuery(statuses=active, near=(33.45, 126.56), radius_km=50),
    }


def indexes_in(plan: dict[str, Any]) -> list[str]:
    found = [plan["Index Name"]] if "Index Name" in plan else []
    for child in plan.get("Plans", []):
        found += indexes_in(child)
    return found


async def explain(read: Read, query: ListQuery) -> tuple[float, float, str, int]:
    """Median execution time (ms) of EXPLAIN ANALYZE runs, planning time, indexes, rows."""
    values = params_of(query)
    statement = page_statement(frozenset(values))
    explained = Sql("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + statement.text, statement.names)
    times, planning, plan = [], [], {}
    for _ in range(RUNS):
        raw = await read.fetchval(explained, **values)
        doc = (orjson.loads(raw) if isinstance(raw, str) else raw)[0]
        times.append(doc["Execution Time"])
        planning.append(doc["Planning Time"])
        plan = doc["Plan"]
    used = ", ".join(dict.fromkeys(indexes_in(plan))) or "seq scan"
    return (
        statistics.median(times),
        statistics.median(planning),
        f"{plan['Node Type']} via {used}",
        plan["Actual Rows"],
    )


async def main(farms: int, keep: bool) -> None:
    admin = await asyncpg.connect(f"{SERVER}/postgres")
    await admin.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
    await admin.execute(f'CREATE DATABASE "{DB}"')
    url = f"{SERVER}/{DB}"
    await asyncio.to_thread(upgrade, "farm", url)
    db = Database(url, "farm_svc")
    names = list(REGIONS)
    started = time.perf_counter()
    async with db.write() as tx:
        await tx.execute(
            INSERT,
            n=farms,
            crops=list(CROPS),
            names=names,
            lats=[CENTRES[r][0] for r in names],
            lons=[CENTRES[r][1] for r in names],
        )
    inserted = time.perf_counter() - started
    async with db.read() as read:
        await read.execute(VACUUM)
    print(f"inserted {farms:,} farms (indexes live) in {inserted:.1f} s, then VACUUM ANALYZE")
    async with db.read() as read:
        await read.execute(CUSTOM_PLANS)  # each run planned for its values (a prepared statement
        # may switch to a generic plan after five runs)
        middle = await read.fetchval(MIDDLE, o=await read.fetchval(ACTIVE) // 2)
        owner = await read.fetchval(AN_OWNER)
        first_near = ListQuery(statuses=("active",), near=(37.5665, 126.9780), radius_km=25)
        rows = await page(read, params_of(first_near))
        near_cursor = encode_cursor(rows[19]["distance_km"], rows[19]["id"])
        print(f"{'query shape':40} {'exec ms':>8} {'plan ms':>8} {'rows':>5}  plan")
        for name, query in shapes(middle, owner, near_cursor).items():
            execution, planning, plan, rows_out = await explain(read, query)
            print(f"{name:40} {execution:8.2f} {planning:8.2f} {rows_out:5d}  {plan}")
        await read.execute(sql("RESET plan_cache_mode"))  # the pool's connection goes back as it came
    await db.close()
    if not keep:
        await admin.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
    await admin.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--farms", type=int, default=1_000_000)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database afterwards")
    args = parser.parse_args()
    asyncio.run(main(args.farms, args.keep))
