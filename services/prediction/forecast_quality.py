"""Forecast quality, live: the forecasts served from the platform's own history
(``forecasts.record_served``) against the settled demand of the days they forecast
(``daily_demand``, filled from ``transaction.settled``), over the last 14 complete Korean days.

Read from the database by a scrape of ``/metrics`` (at most every ``quality_refresh_seconds``
per process), per crop:

- ``forecast_interval_coverage_ratio``: share of forecast days whose demand fell inside the
  served 80 % interval (the alert ``ForecastCoverageOutOfRange`` watches 70-90 %);
- ``forecast_mape_ratio``: mean absolute percentage error of the point forecast (a ratio),
  over the days with demand;
- ``forecast_compared_points``: how many forecast days (region x day x days ahead) were compared.

Every worker process computes the same figures from the same tables; in multiprocess mode
(``PROMETHEUS_MULTIPROC_DIR``) the gauges report the value set last by any worker
(``mostrecent``), so a scrape shows the latest figures any worker has read (a worker that did
not read again sets nothing, so its older figures cannot win). Each refresh sets
every crop of the model (NaN coverage and MAPE, 0 points for a crop with nothing to compare;
no alert fires on NaN), so no worker's older figure can outlive a crop's last compared day."""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass
from datetime import date, timedelta

from prometheus_client import Gauge

from pamtalk.db.tx import Read
from pamtalk.runtime import Runtime
from services.prediction.forecasts import today
from services.prediction.state import state_of
from services.prediction.store import served_forecasts

log = logging.getLogger("pamtalk.prediction.quality")
WINDOW_DAYS = 14
_WHAT = f"over the forecast days of the last {WINDOW_DAYS} complete days (Korean time)"
COVERAGE = Gauge(
    "forecast_interval_coverage_ratio",
    f"Share of served forecast days whose settled demand fell inside the 80 % interval, {_WHAT}",
    ["crop"],
    multiprocess_mode="mostrecent",
)
MAPE = Gauge(
    "forecast_mape_ratio",
    f"Mean absolute percentage error (ratio) of served point forecasts, days with demand, {_WHAT}",
    ["crop"],
    multiprocess_mode="mostrecent",
)
POINTS = Gauge(
    "forecast_compared_points",
    f"Served forecast days (region x day x days ahead) compared with settled demand, {_WHAT}",
    ["crop"],
    multiprocess_mode="mostrecent",
)


@dataclass(frozen=True)
class CropQuality:
    crop: str
    points: int
    coverage: float
    mape: float | None  # None when no day of the window had demand


def window(on: date, days: int = WINDOW_DAYS) -> tuple[date, date]:
    """The last ``days`` complete days before ``on``: (first, day after the last)."""
    return on - timedelta(days=days), on


async def quality(read: Read, on: date, days: int = WINDOW_DAYS) -> dict[str, CropQuality]:
    """Per crop, the served forecasts of the ``days`` days before ``on`` against their demand."""
    rows = await served_forecasts.quality(read, *window(on, days))
    return {
        r["crop"]: CropQuality(
            r["crop"],
            r["points"],
            r["inside"] / r["points"],
            None if r["mape"] is None else float(r["mape"]),
        )
        for r in rows
    }


async def refresh_metrics(runtime: Runtime) -> None:
    """Set the gauges from the database (``ServiceDefinition.metrics_refresh``), unless this
    process read them less than ``quality_refresh_seconds`` ago. When the database cannot
    answer, the gauges keep their figures and the scrape still answers (with ``dependency_up``)."""
    state = state_of(runtime)
    if time.monotonic() - state.quality_read_at < state.settings.quality_refresh_seconds:
        return
    try:
        async with runtime.db.read("replica") as read:
            figures = await quality(read, today())
    except Exception:
        log.warning("forecast quality not read", exc_info=True)
        return
    state.quality_read_at = time.monotonic()
    models = state.loaded
    for crop in sorted(figures.keys() | set(models.vocab.crops if models else ())):
        q = figures.get(crop)
        COVERAGE.labels(crop).set(math.nan if q is None else q.coverage)
        MAPE.labels(crop).set(math.nan if q is None or q.mape is None else q.mape)
        POINTS.labels(crop).set(0 if q is None else q.points)
