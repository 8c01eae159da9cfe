"""Benchmark of the trade list queries at 100,000 trades (not collected by pytest).

    .venv/bin/python -m tests.transaction.bench_listing [--trades 100000] [--runs 50]

Creates a scratch database with the transaction migrations (so the real indexes), a read
model of 2,000 farms of 300 farmers, the monthly partitions the service keeps (a month
back, three ahead; older trades land in DEFAULT), and ``--trades`` trades of 700 buyers written by the
load test's bulk path (``loadtests/bulk.py``: 180 days of history, 8 % pending), then
ANALYZEs. Each query shape is the exact SQL the service runs (``store.trades.page_statement``), prepared
once as the service's driver does (so PostgreSQL may switch to a generic plan after five
executions), executed ten times, then run ``--runs`` times under EXPLAIN ANALYZE, each time
for another farmer or buyer: the mean execution and planning times, the rows and the
indexes of the plan are printed. ``--drop ix_transactions_buyer_id_pending
ix_transactions_producer_id_pending`` shows the plans without the pending indexes."""

from __future__ import annotations

import argparse
import random
import statistics
import uuid
from datetime import UTC, datetime
from typing import Any

import asyncpg
import orjson
import uvloop

from loadtests.bulk import bulk_trades
from pamtalk.db.database import Database
from services.transaction.settings import TransactionSettings
from services.transaction.store.partitions import ensure_partitions
from services.transaction.store.trades import page_statement
from tests.conftest import scratch_database

SCHEMA = "transaction_svc"
FARMS = """
INSERT INTO transaction_svc.farms (farm_id, owner_id, name, region, latitude, longitude, size_ha, crops,
    certifications, status, wallet_address, esg_score, esg_grade, updated_at)
SELECT gen_random_uuid(), ($1::uuid[])[1 + i % cardinality($1::uuid[])], 'Farm ' || i, 'Jeonnam', 34.8, 126.9,
    5, ARRAY['cabbage', 'rice', 'tomatoes'], ARRAY['organic'], 'active', NULL, 70, 'Silver', now()
FROM generate_series(0, 1999) AS i
"""
# (name, scope, status asked for, role of the caller): the load test's farmers look up their
# pending trades (``GET /api/v1/transactions?status=pending&limit=20``).
SHAPES = (
    ("farmer: my pending trades", "mine", "pending", "farmer"),
    ("buyer: my pending trades", "mine", "pending", "buyer"),
    ("farmer: my confirmed trades", "mine", "confirmed", "farmer"),
    ("farmer: my trades (no filter)", "mine", None, "farmer"),
    ("buyer: my trades (no filter)", "mine", None, "buyer"),
    ("admin: all pending trades", "all", "pending", "admin"),
)


def literal(value: Any) -> str:
    return str(value) if isinstance(value, int) else "'" + str(value).replace("'", "''") + "'"


# A partition's index -> the parent table's index it belongs to (filled once seeded).
PARENT_INDEX: dict[str, str] = {}
PARENTS = """
SELECT c.relname, p.relname FROM pg_inherits i
JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
WHERE c.relkind = 'i'
"""


def indexes_in(plan: dict[str, Any]) -> list[str]:
    """The indexes a plan reads, by their name on the parent table."""
    found = [PARENT_INDEX.get(plan["Index Name"], plan["Index Name"])] if "Index Name" in plan else []
    for child in plan.get("Plans", []):
        found += indexes_in(child)
    return found


async def shape(
    conn: asyncpg.Connection, scope: str, status: str | None, users: list[uuid.UUID], runs: int
) -> tuple[float, float, float, str, bool]:
    """Mean execution and planning ms, mean rows, the plan's indexes, and whether the
    prepared statement's plan is generic (its conditions hold ``$n``)."""
    query = page_statement(scope, (), status)
    args = [query.args({"user": user, "limit": 21}) for user in users]
    if await conn.fetchval("SELECT 1 FROM pg_prepared_statements WHERE name = 'page'"):
        await conn.execute("DEALLOCATE page")
    await conn.execute(f"PREPARE page AS {query.text}")
    for values in args[:10]:  # the plan cache decides on custom or generic plans meanwhile
        await conn.execute(f"EXECUTE page({', '.join(map(literal, values))})")
    times, planning, rows, used, generic = [], [], [], [], False
    for values in args[10 : 10 + runs]:
        explain = f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) EXECUTE page({', '.join(map(literal, values))})"
        doc = orjson.loads(await conn.fetchval(explain))[0]
        times.append(doc["Execution Time"])
        planning.append(doc["Planning Time"])
        rows.append(doc["Plan"]["Actual Rows"])
        used = list(dict.fromkeys(indexes_in(doc["Plan"])))
        generic = generic or "$" in orjson.dumps(doc["Plan"]).decode()
    return statistics.mean(times), statistics.mean(planning), statistics.mean(rows), ", ".join(used), generic


async def main(trades: int, runs: int, drop: list[str]) -> None:
    rng = random.Random(7)
    farmers = [uuid.UUID(int=rng.getrandbits(128)) for _ in range(300)]
    buyers = [uuid.UUID(int=rng.getrandbits(128)) for _ in range(700)]
    async with scratch_database("pamtalk_bench_list", ("transaction",)) as url:
        db = Database(url, "transaction_svc", pool_size=1, max_overflow=0)
        settings = TransactionSettings()  # the service's monthly partitions, made before any trade
        await ensure_partitions(
            db, datetime.now(UTC), settings.partition_months_behind, settings.partition_months_ahead
        )
        await db.close()
        # the service's statements name tables without their schema, as its pools do
        conn = await asyncpg.connect(url.replace("+asyncpg", ""), server_settings={"search_path": SCHEMA})
        try:
            await conn.execute(FARMS, farmers)
            await bulk_trades(url, trades, [(str(b), "consumer") for b in buyers])
            for index in drop:  # e.g. the pending indexes, to see the plans without them
                await conn.execute(f"DROP INDEX transaction_svc.{index}")
            await conn.execute("VACUUM ANALYZE transaction_svc.transactions")
            PARENT_INDEX.update(dict(await conn.fetch(PARENTS)))
            indexes = await conn.fetch(
                "SELECT indexname FROM pg_indexes WHERE schemaname = 'transaction_svc' "
                "AND tablename = 'transactions' ORDER BY 1"
            )
            print(f"{trades:,} trades; indexes of transactions:", ", ".join(r[0] for r in indexes))
            print(f"{'query shape':34} {'exec ms':>8} {'plan ms':>8} {'rows':>5}  plan")
            callers = {"farmer": farmers, "buyer": buyers, "admin": [uuid.uuid4()]}
            for name, scope, status, role in SHAPES:
                users = [rng.choice(callers[role]) for _ in range(10 + runs)]
                execution, planning, rows, used, generic = await shape(conn, scope, status, users, runs)
                kind = "generic" if generic else "custom"
                print(f"{name:34} {execution:8.3f} {planning:8.3f} {rows:5.1f}  {kind} plan via {used}")
        finally:
            await conn.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--trades", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--drop", nargs="*", default=[], help="indexes to drop before measuring")
    args = parser.parse_args()
    uvloop.run(main(args.trades, args.runs, args.drop))
