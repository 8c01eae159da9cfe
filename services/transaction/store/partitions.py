"""Monthly partitions of ``transactions``.

The service keeps one partition per calendar month (UTC) from ``months_behind`` months ago
to ``months_ahead`` months ahead, creating them at start-up and on every upkeep round with
``CREATE TABLE IF NOT EXISTS ... PARTITION OF ... FOR VALUES FROM .. TO ..``. A write
outside them is not rejected: it lands in the DEFAULT partition, and the next round gives
its month a partition of its own, moving the rows over (PostgreSQL refuses to create a
partition whose range still has rows in the DEFAULT one). Rounds of several replicas are
serialised by an advisory lock.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime

from pamtalk.db.database import Database
from pamtalk.db.statements import sql
from pamtalk.db.tx import Tx

log = logging.getLogger("pamtalk.transaction.partitions")

PARENT = "transactions"
DEFAULT = "transactions_default"
_LOCK_KEY = 0x7472_6164_6570  # pg_advisory_xact_lock key of partition upkeep ("tradep")
_LOCK = sql("SELECT pg_advisory_xact_lock(:key)")
# Waiting long for the DEFAULT partition's lock would stall writes queued behind it; give up
# instead, and let the next round try again.
_LOCK_TIMEOUT = sql("SET LOCAL lock_timeout = '5s'")
# No row may slip into DEFAULT while partitions are carved out of its range.
_LOCK_DEFAULT = sql(f"LOCK TABLE {DEFAULT} IN ACCESS EXCLUSIVE MODE")
_EXISTING = sql(
    "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
    f"WHERE i.inhparent = '{PARENT}'::regclass"
)
# The months of the rows that fell into the DEFAULT partition.
_STRAY_MONTHS = sql(f"SELECT DISTINCT date_trunc('month', created_at AT TIME ZONE 'UTC') FROM {DEFAULT}")


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


async def _existing(tx: Tx) -> set[str]:
    return {row["relname"] for row in await tx.fetch(_EXISTING)}


async def _stray_months(tx: Tx) -> set[date]:
    return {row[0].date() for row in await tx.fetch(_STRAY_MONTHS)}


async def _create(tx: Tx, month: date, strays: set[date]) -> None:
    """The month's partition (DDL: its name and bounds are written in, as DDL takes no
    parameters; both come from ``month``, a date)."""
    name, lo, hi = partition_name(month), _bound(month), _bound(add_months(month, 1))
    if month not in strays:
        await tx.execute(
            sql(f"CREATE TABLE IF NOT EXISTS {name} PARTITION OF {PARENT} FOR VALUES FROM ({lo}) TO ({hi})")
        )
        return
    # Rows of this month sit in DEFAULT: move them into a new table, then attach it.
    in_range = f"created_at >= {lo} AND created_at < {hi}"
    await tx.execute(sql(f"CREATE TABLE {name} (LIKE {PARENT} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)"))
    await tx.execute(sql(f"INSERT INTO {name} SELECT * FROM {DEFAULT} WHERE {in_range}"))
    await tx.execute(sql(f"DELETE FROM {DEFAULT} WHERE {in_range}"))
    await tx.execute(sql(f"ALTER TABLE {PARENT} ATTACH PARTITION {name} FOR VALUES FROM ({lo}) TO ({hi})"))


async def ensure_partitions(db: Database, now: datetime, months_behind: int, months_ahead: int) -> list[str]:
    """Create the missing monthly partitions (one transaction); returns the names of those
    created."""
    current = month_of(now)
    async with db.write() as tx:
        await tx.execute(_LOCK, key=_LOCK_KEY)
        await tx.execute(_LOCK_TIMEOUT)
        existing = await _existing(tx)
        wanted = {add_months(current, n) for n in range(-months_behind, months_ahead + 1)}
        wanted |= await _stray_months(tx)
        missing = sorted(month for month in wanted if partition_name(month) not in existing)
        strays: set[date] = set()
        if missing:
            await tx.execute(_LOCK_DEFAULT)
            strays = await _stray_months(tx)
            missing = sorted(set(missing) | strays)  # a month with rows in DEFAULT has no partition
        for month in missing:
            await _create(tx, month, strays)
        created = [partition_name(month) for month in missing]
    if created:
        log.info("partitions created", extra={"partitions": created})
    return created
