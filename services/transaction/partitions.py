"""Monthly partitions of ``transactions``.

The service keeps one partition per calendar month (UTC) from ``months_behind`` months ago
to ``months_ahead`` months ahead, creating them at start-up and on every maintenance round
with ``CREATE TABLE IF NOT EXISTS ... PARTITION OF ... FOR VALUES FROM .. TO ..``. A write
outside them is not rejected: it lands in the DEFAULT partition, and the next round gives
its month a partition of its own, moving the rows over (PostgreSQL refuses to create a
partition whose range still has rows in the DEFAULT one). Rounds of several replicas are
serialised by an advisory lock.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from pamtalk.db.database import Database

log = logging.getLogger("pamtalk.transaction.partitions")

PARENT = "transactions"
DEFAULT = "transactions_default"
_LOCK_KEY = 0x7472_6164_6570  # pg_advisory_xact_lock key of partition upkeep ("tradep")


def month_of(at: datetime) -> date:
    at = at.astimezone(UTC)
    return date(at.year, at.month, 1)


def add_months(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def partition_name(month: date) -> str:
    return f"{PARENT}_y{month.year:04d}m{month.month:02d}"


def _bound(month: date) -> str:
    return f"'{month.isoformat()} 00:00:00+00'"


async def _existing(session: AsyncSession, schema: str) -> set[str]:
    rows = await session.execute(
        text(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = to_regclass(:parent)"
        ),
        {"parent": f"{schema}.{PARENT}"},
    )
    return set(rows.scalars())


async def _stray_months(session: AsyncSession, schema: str) -> set[date]:
    """Months of the rows that fell into the DEFAULT partition."""
    rows = await session.execute(
        text(f"SELECT DISTINCT date_trunc('month', created_at AT TIME ZONE 'UTC') FROM {schema}.{DEFAULT}")
    )
    return {value.date() for value in rows.scalars()}


async def _create(session: AsyncSession, schema: str, month: date, strays: set[date]) -> None:
    name, lo, hi = partition_name(month), _bound(month), _bound(add_months(month, 1))
    parent, default = f"{schema}.{PARENT}", f"{schema}.{DEFAULT}"
    if month not in strays:
        await session.execute(
            text(
                f"CREATE TABLE IF NOT EXISTS {schema}.{name} PARTITION OF {parent} "
                f"FOR VALUES FROM ({lo}) TO ({hi})"
            )
        )
        return
    # Rows of this month sit in DEFAULT: move them into a new table, then attach it.
    in_range = f"created_at >= {lo} AND created_at < {hi}"
    await session.execute(
        text(f"CREATE TABLE {schema}.{name} (LIKE {parent} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)")
    )
    await session.execute(text(f"INSERT INTO {schema}.{name} SELECT * FROM {default} WHERE {in_range}"))
    await session.execute(text(f"DELETE FROM {default} WHERE {in_range}"))
    await session.execute(
        text(f"ALTER TABLE {parent} ATTACH PARTITION {schema}.{name} FOR VALUES FROM ({lo}) TO ({hi})")
    )


async def ensure_partitions(db: Database, now: datetime, months_behind: int, months_ahead: int) -> list[str]:
    """Create the missing monthly partitions; returns the names of those created."""
    schema = db.schema
    current = month_of(now)
    async with db.transaction() as session:
        await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
        # Waiting long for the DEFAULT partition's lock would stall writes queued behind it;
        # give up instead, and let the next round try again.
        await session.execute(text("SET LOCAL lock_timeout = '5s'"))
        existing = await _existing(session, schema)
        wanted = {add_months(current, n) for n in range(-months_behind, months_ahead + 1)}
        wanted |= await _stray_months(session, schema)
        missing = sorted(month for month in wanted if partition_name(month) not in existing)
        strays: set[date] = set()
        if missing:
            # No row may slip into DEFAULT while partitions are carved out of its range.
            await session.execute(text(f"LOCK TABLE {schema}.{DEFAULT} IN ACCESS EXCLUSIVE MODE"))
            strays = await _stray_months(session, schema)
            missing = sorted(set(missing) | strays)  # a month with rows in DEFAULT has no partition
        for month in missing:
            await _create(session, schema, month, strays)
        created = [partition_name(month) for month in missing]
    if created:
        log.info("partitions created", extra={"partitions": created})
    return created
