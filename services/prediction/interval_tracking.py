"""The online part of the interval calibration, in the service (``ml/tracking.py``).

The model card holds the conformal offsets and the tracked shift of each crop's bounds at the
end of the training data. From then on the shift follows the forecasts THIS model version
served from the platform's history (``served_forecasts``) against the settled demand of their
days (``daily_demand``; a day without a row had demand 0): each forecast day 1-7 days ahead
that is over (before today, Korean time) moves its crop's shift by ``step x (missed - tail)``,
as the trainer's backtest did day by day. The misses are counted against the bounds as they
were served, so the sum over all such days IS the tracker's state: no state of its own to
keep, and every worker process computes the same shift from the same tables.

Read before forecasting, once a new day has begun and otherwise at most every
``tracking_refresh_seconds`` (late settlements of past days); a failed read keeps the shift
it had (and is tried again on the next forecast). The shift in use is on ``/metrics`` as
``forecast_interval_shift{crop, bound}`` (log1p units; > 0: wider than the offsets alone)."""

from __future__ import annotations

import logging
import math
import time
from datetime import date

from prometheus_client import Gauge

from pamtalk.db.database import Database
from services.prediction.ml.runtime import ModelRuntime
from services.prediction.ml.tracking import TRACKED_DAYS
from services.prediction.state import PredictionState
from services.prediction.store import served_forecasts

log = logging.getLogger("pamtalk.prediction.tracking")
SHIFT = Gauge(
    "forecast_interval_shift",
    "Tracked shift (log1p units) added to the conformal offset of a crop's lower or upper bound, "
    "days 1-7 ahead of forecasts from the platform's history; > 0 widens",
    ["crop", "bound"],
    multiprocess_mode="mostrecent",
)


async def follow(state: PredictionState, rt: ModelRuntime, db: Database, on: date) -> None:
    """Move ``rt``'s shift to what the served forecasts of the days before ``on`` say."""
    after = rt.tracked_after
    if after is None:
        return
    now = time.monotonic()
    if state.tracking_day == on and now - state.tracking_read_at < state.settings.tracking_refresh_seconds:
        return
    state.tracking_day, state.tracking_read_at = on, now  # one read at a time per refresh
    try:
        async with db.read("replica") as read:
            rows = await served_forecasts.misses(read, rt.version, after, on, TRACKED_DAYS)
    except Exception:
        log.warning("interval tracking not read: serving the shift read before", exc_info=True)
        state.tracking_read_at = -math.inf
        return
    rt.follow({r["crop"]: (r["days"], r["below"], r["above"]) for r in rows})
    if rt.tracking is not None:
        for crop, lower, upper in zip(rt.tracking.crops, rt.tracking.lower, rt.tracking.upper, strict=True):
            SHIFT.labels(crop, "lower").set(float(lower))
            SHIFT.labels(crop, "upper").set(float(upper))
