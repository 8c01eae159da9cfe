"""The forecasts served (``served_forecasts``: one row per first day, crop and model region,
the days ahead as arrays, and the model version), and their comparison with the settled
demand of ``daily_demand``: coverage and MAPE (``quality``), misses of each bound (``misses``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from asyncpg import Record

from pamtalk.db.statements import sql
from pamtalk.db.tx import Read, Tx

MAX_DAYS = 28  # the longest forecast (the table's check)
COLUMNS = ("start", "crop", "region", "demand", "lower", "upper", "model_version")
# A forecast of the same start that reaches further replaces a shorter one: its first days are
# the same (one model, one history), the later ones are new.
_RECORD = sql(
    f"INSERT INTO served_forecasts AS f ({', '.join(COLUMNS)}) "
    "VALUES (:start, :crop, :region, :demand, :lower, :upper, :model_version) "
    "ON CONFLICT (start, crop, region) DO UPDATE "
    "SET demand = excluded.demand, lower = excluded.lower, upper = excluded.upper, "
    "model_version = excluded.model_version "
    "WHERE cardinality(excluded.demand) > cardinality(f.demand)"
)
# Per crop, every forecast day in [first, until) against its settled demand; a day without a
# daily_demand row had none (0), as in training. MAPE over the days with demand.
_DAY = "f.start + CAST(p.ahead AS integer) - 1"
_QUALITY = sql(
    "SELECT f.crop, count(*) AS points, "
    "count(*) FILTER (WHERE coalesce(d.quantity, 0)::float8 BETWEEN p.lower AND p.upper) AS inside, "
    "count(*) FILTER (WHERE d.quantity > 0) AS demand_points, "
    "avg(abs(d.quantity::float8 - p.demand) / d.quantity::float8) FILTER (WHERE d.quantity > 0) AS mape "
    "FROM served_forecasts f "
    "CROSS JOIN LATERAL unnest(f.demand, f.lower, f.upper) WITH ORDINALITY AS p(demand, lower, upper, ahead) "
    "LEFT JOIN daily_demand d ON d.crop = f.crop AND d.region = f.region "
    f"AND d.day = {_DAY} AND d.day >= :first AND d.day < :until "
    f"WHERE f.start > CAST(:first AS date) - {MAX_DAYS} AND f.start < :until "
    f"AND {_DAY} >= :first AND {_DAY} < :until "
    "GROUP BY f.crop ORDER BY f.crop"
)

# Per crop, the forecast days (after, until) up to :days_ahead ahead of one model version against
# their settled demand (none: 0): how many, and how many fell below / above the served bound.
_MISSES = sql(
    "SELECT f.crop, count(*) AS days, "
    "count(*) FILTER (WHERE coalesce(d.quantity, 0)::float8 < p.lower) AS below, "
    "count(*) FILTER (WHERE coalesce(d.quantity, 0)::float8 > p.upper) AS above "
    "FROM served_forecasts f "
    "CROSS JOIN LATERAL unnest(f.lower, f.upper) WITH ORDINALITY AS p(lower, upper, ahead) "
    f"LEFT JOIN daily_demand d ON d.crop = f.crop AND d.region = f.region AND d.day = {_DAY} "
    "WHERE f.model_version = :version AND p.ahead <= :days_ahead "
    "AND f.start > CAST(:after AS date) - CAST(:days_ahead AS integer) AND f.start < :until "
    f"AND {_DAY} > :after AND {_DAY} < :until "
    "GROUP BY f.crop ORDER BY f.crop"
)


async def record(tx: Tx, forecasts: Sequence[Mapping[str, Any]]) -> None:
    """Record forecasts (``COLUMNS`` of each; one round trip for all)."""
    await tx.executemany(_RECORD, forecasts)


async def quality(read: Read, first: date, until: date) -> list[Record]:
    """Per crop: forecast days of [first, until) compared (``points``), ``inside`` the interval,
    ``demand_points`` with demand above zero and their ``mape`` (a ratio; None without such)."""
    return await read.fetch(_QUALITY, first=first, until=until)


async def misses(read: Read, version: str, after: date, until: date, days_ahead: int) -> list[Record]:
    """Per crop: forecast days of model ``version`` in (after, until), 1-``days_ahead`` days
    ahead, compared (``days``), with the demand ``below`` the lower / ``above`` the upper bound."""
    return await read.fetch(_MISSES, version=version, after=after, until=until, days_ahead=days_ahead)
