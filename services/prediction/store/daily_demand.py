"""The platform's daily demand (``daily_demand``: one row per day, crop and model region):
settled trades add to it; forecasts read the days before their first one; the trainer
(``ml/platform_data.py``) reads it whole."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from asyncpg import Record

from pamtalk.db.statements import sql
from pamtalk.db.tx import Read, Tx

Pair = tuple[str, str]  # (crop, model region)

_ADD = sql(
    "INSERT INTO daily_demand AS d (day, crop, region, quantity) VALUES (:day, :crop, :region, :quantity) "
    "ON CONFLICT (crop, region, day) DO UPDATE SET quantity = d.quantity + excluded.quantity"
)
FIRST_DAYS = sql("SELECT crop, region, min(day) AS first_day FROM daily_demand GROUP BY crop, region")
# One statement for any number of pairs: the pairs come as two arrays, zipped by unnest.
WINDOW = sql(
    "SELECT crop, region, day, quantity FROM daily_demand "
    "WHERE (crop, region) IN (SELECT * FROM unnest(CAST(:crops AS text[]), CAST(:regions AS text[]))) "
    "AND day >= :first AND day < :until"
)


async def add(tx: Tx, day: date, crop: str, region: str, quantity: Decimal) -> None:
    """Add ``quantity`` to the day, crop and region."""
    await tx.execute(_ADD, day=day, crop=crop, region=region, quantity=quantity)


async def first_days(read: Read) -> dict[Pair, date]:
    """The first recorded day of every (crop, region)."""
    return {(r["crop"], r["region"]): r["first_day"] for r in await read.fetch(FIRST_DAYS)}


async def window(read: Read, pairs: Sequence[Pair], first: date, until: date) -> list[Record]:
    """The rows of ``pairs`` from ``first`` up to (not including) ``until``."""
    return await read.fetch(
        WINDOW, crops=[c for c, _ in pairs], regions=[r for _, r in pairs], first=first, until=until
    )
