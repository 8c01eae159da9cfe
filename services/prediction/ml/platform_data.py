"""Daily demand history from the platform's own database (``prediction_svc.daily_demand``).

Columns: ``day date, crop text, region text, quantity numeric``. Several rows of the same day,
crop and region are added up; days without a row count as zero demand.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from datetime import date

import numpy as np

from .backtest import BACKTEST_WEEKS
from .calibration import CALIBRATION_DAYS
from .crops import normalise_crop, normalise_region
from .dataset import DailySeries
from .features import WINDOW

#: Days a crop/region needs: the 28 days a forecast starts from, a year of out-of-sample
#: forecasts to calibrate the intervals on (every month) and the 8 backtest weeks.
MIN_HISTORY_DAYS = WINDOW + CALIBRATION_DAYS + BACKTEST_WEEKS * 7
QUERY = """
SELECT day, crop, region, SUM(quantity)::float8 AS quantity
FROM prediction_svc.daily_demand
GROUP BY day, crop, region
ORDER BY crop, region, day
"""


class NotEnoughHistoryError(RuntimeError):
    """The platform's demand history is too short to train on."""


def _dsn(url: str) -> str:
    """asyncpg wants ``postgresql://``; accept SQLAlchemy-style ``postgresql+asyncpg://`` too."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        raise ValueError("DATABASE_URL must look like postgresql://user:pass@host:port/db")
    return f"{scheme.split('+')[0]}://{rest}"


async def _fetch(url: str) -> list[tuple[date, str, str, float]]:
    import asyncpg

    conn = await asyncpg.connect(_dsn(url))
    try:
        records = await conn.fetch(QUERY)
    finally:
        await conn.close()
    return [(r["day"], r["crop"], r["region"], float(r["quantity"])) for r in records]


def series_from_rows(
    rows: list[tuple[date, str, str, float]], min_days: int = MIN_HISTORY_DAYS
) -> list[DailySeries]:
    """One gap-free series per crop/region, running from its first day to the last day of
    the whole table; series shorter than ``min_days`` are left out. Refuses (raises
    ``NotEnoughHistoryError``) when no series has ``min_days`` days."""
    if not rows:
        raise NotEnoughHistoryError(
            "refusing to train: prediction_svc.daily_demand is empty. Train on generated data "
            "(run without --from-platform) until the platform has trades."
        )
    last = max(r[0] for r in rows)
    first = min(r[0] for r in rows)
    grouped: dict[tuple[str, str], dict[date, float]] = defaultdict(dict)
    for day, crop, region, qty in rows:
        key = (normalise_crop(crop), normalise_region(region))
        grouped[key][day] = grouped[key].get(day, 0.0) + max(qty, 0.0)
    result = []
    for (crop, region), by_day in sorted(grouped.items()):
        start = min(by_day)
        values = np.zeros(last.toordinal() - start.toordinal() + 1)
        for day, qty in by_day.items():
            values[day.toordinal() - start.toordinal()] = qty
        if len(values) >= min_days:
            result.append(DailySeries(crop, region, start, values, "platform"))
    if not result:
        span = last.toordinal() - first.toordinal() + 1
        why = (
            f" ({WINDOW} days of history, {CALIBRATION_DAYS} days to calibrate the forecast intervals on, "
            f"the {BACKTEST_WEEKS * 7} days of the backtest)"
            if min_days == MIN_HISTORY_DAYS
            else ""
        )
        raise NotEnoughHistoryError(
            f"refusing to train: the platform has {span} days of daily demand history "
            f"({first} to {last}) and no crop/region has the {min_days} days needed{why}. "
            "Train on generated data (run without --from-platform) until then."
        )
    return result


def load_platform_series(url: str, min_days: int = MIN_HISTORY_DAYS) -> list[DailySeries]:
    """Read and shape the platform's daily demand (see ``series_from_rows``)."""
    return series_from_rows(asyncio.run(_fetch(url)), min_days)
