"""Market figures: the aggregates of the dashboard, over trades and the farm read model.
Read from a replica (a little staleness is fine: the dashboard is cached 60 s anyway)."""

from __future__ import annotations

from datetime import datetime

from asyncpg import Record

from pamtalk.db.statements import sql
from pamtalk.db.tx import Read

_BY_STATUS = sql("SELECT status, count(*) AS count FROM transactions GROUP BY status")
# Counts and values leave cancelled trades out.
_BY_CROP = sql(
    "SELECT crop, count(*) AS count, coalesce(sum(total_value), 0) AS value FROM transactions "
    "WHERE status <> 'cancelled' GROUP BY crop ORDER BY crop"
)
# The bounds prune the monthly partitions to the one or two the days fall in.
_BY_DAY = sql(
    "SELECT date(timezone('UTC', created_at)) AS day, count(*) AS count, "
    "coalesce(sum(total_value), 0) AS value FROM transactions "
    "WHERE status <> 'cancelled' AND created_at >= :start AND created_at < :end GROUP BY 1"
)
_ESG_SETTLED = sql("SELECT avg(producer_esg_score) FROM transactions WHERE status = 'settled'")
_ACTIVE_FARMS_BY_SIZE = sql(
    "SELECT CASE WHEN size_ha < :small THEN 'small' WHEN size_ha < :medium THEN 'medium' ELSE 'large' END "
    "AS size, count(*) AS count FROM farms WHERE status = 'active' GROUP BY 1"
)


async def trades_by_status(read: Read) -> list[Record]:
    """``status, count`` of every trade."""
    return await read.fetch(_BY_STATUS)


async def trades_by_crop(read: Read) -> list[Record]:
    """``crop, count, value`` of the trades not cancelled, by crop name."""
    return await read.fetch(_BY_CROP)


async def trades_by_day(read: Read, start: datetime, end: datetime) -> list[Record]:
    """``day, count, value`` (UTC days) of the trades not cancelled opened from ``start`` to
    before ``end``; days without trades have no row."""
    return await read.fetch(_BY_DAY, start=start, end=end)


async def mean_esg_of_settled(read: Read) -> float | None:
    """The mean producer ESG score of settled trades (None: none has one)."""
    mean = await read.fetchval(_ESG_SETTLED)
    return None if mean is None else float(mean)


async def active_farms_by_size(read: Read, small: float, medium: float) -> dict[str, int]:
    """Active farms: "small" under ``small`` ha, "medium" under ``medium`` ha, else "large"."""
    rows = await read.fetch(_ACTIVE_FARMS_BY_SIZE, small=small, medium=medium)
    return {row["size"]: row["count"] for row in rows}
