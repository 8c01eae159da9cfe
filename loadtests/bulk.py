"""The fast bulk path of ``--seed``: trade history written straight into the transaction
service's table with COPY (100,000 rows in seconds, where the API takes minutes on 2 cores).

    python -m loadtests.seed --host ... --trades 100000 --bulk-db postgresql://postgres@127.0.0.1/pamtalk
    (embedded mode: --bulk-db "postgresql://postgres@/pamtalk?host=$PWD/.data/pg")

What it makes is *history*: trades between the pool's buyers and the farms the marketplace
knows (its farm read model), spread over the last ``days`` days, mostly settled, with ids
that are UUIDv7 of their creation time as the service makes them. It bypasses the service,
so no events go out for them (no notifications, ledger entries or anomaly scores): use it
for the size of the tables that reads hit, and the API path for anything else. It checks
the table's columns first and refuses to write into a table it does not recognise.
"""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import asyncpg

from loadtests import data

SCHEMA, TABLE = "transaction_svc", "transactions"
COLUMNS = (
    "id",
    "created_at",
    "farm_id",
    "producer_id",
    "buyer_id",
    "buyer_role",
    "crop",
    "quantity",
    "unit_price",
    "total_value",
    "quality_score",
    "delivery_hours",
    "payment_method",
    "location",
    "producer_esg_score",
    "producer_wallet",
    "status",
    "updated_at",
    "confirmed_at",
    "settled_at",
    "cancelled_at",
    "cancel_reason",
)
STATUSES = (("settled", 0.65), ("confirmed", 0.12), ("pending", 0.08), ("cancelled", 0.15))
CHUNK = 10_000


def trade_id(at: datetime, rng: random.Random) -> uuid.UUID:
    """UUIDv7 (RFC 9562) carrying ``at`` in Unix milliseconds, as the service's ids do."""
    ms = int(at.timestamp() * 1000)
    rand = rng.getrandbits(80)
    value = (
        (ms & ((1 << 48) - 1)) << 80 | 0x7 << 76 | (rand >> 68) << 64 | 0b10 << 62 | (rand & ((1 << 62) - 1))
    )
    return uuid.UUID(int=value)


def row(rng: random.Random, now: datetime, days: int, buyer: tuple[str, str], farm: Any) -> tuple:
    at = now - timedelta(seconds=rng.uniform(60, days * 86400))
    at = at.replace(microsecond=at.microsecond - at.microsecond % 1000)
    body = data.trade(rng, str(farm["farm_id"]), list(farm["crops"]) or ["cabbage"])
    quantity, price = Decimal(body["quantity"]), Decimal(body["unit_price"])
    status = rng.choices([s for s, _ in STATUSES], [w for _, w in STATUSES])[0]
    later = at + timedelta(hours=rng.uniform(1, 48))
    return (
        trade_id(at, rng),
        at,
        farm["farm_id"],
        farm["owner_id"],
        uuid.UUID(buyer[0]),
        buyer[1],
        body["crop"],
        quantity,
        price,
        (quantity * price).quantize(Decimal("0.01")),
        body["quality_score"],
        body["delivery_hours"],
        body["payment_method"],
        farm["region"],
        farm["esg_score"],
        farm["wallet_address"],
        status,
        later if status != "pending" else at,
        later if status in ("confirmed", "settled") else None,
        later + timedelta(hours=48) if status == "settled" else None,
        later if status == "cancelled" else None,
        "buyer changed plans" if status == "cancelled" else None,
    )


async def bulk_trades(dsn: str, count: int, buyers: list[tuple[str, str]], days: int = 180) -> int:
    """Write ``count`` trades of ``buyers`` ((user id, role) pairs); returns how many."""
    if count <= 0 or not buyers:
        return 0
    conn = await asyncpg.connect(dsn.replace("+asyncpg", ""))
    try:
        present = {
            r["column_name"]
            for r in await conn.fetch(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_schema = $1 AND table_name = $2",
                SCHEMA,
                TABLE,
            )
        }
        if missing := set(COLUMNS) - present:
            raise RuntimeError(f"{SCHEMA}.{TABLE} lacks {sorted(missing)}: the bulk path is out of date")
        farms = await conn.fetch(
            f"SELECT farm_id, owner_id, region, crops, esg_score, wallet_address FROM {SCHEMA}.farms "
            "WHERE status = 'active'"
        )
        if not farms:
            raise RuntimeError("the marketplace knows no active farm yet: seed farms through the API first")
        rng, now, done = random.Random(17), datetime.now(UTC), 0
        while done < count:
            n = min(CHUNK, count - done)
            records = [row(rng, now, days, rng.choice(buyers), rng.choice(farms)) for _ in range(n)]
            await conn.copy_records_to_table(TABLE, schema_name=SCHEMA, columns=COLUMNS, records=records)
            done += n
        return done
    finally:
        await conn.close()
