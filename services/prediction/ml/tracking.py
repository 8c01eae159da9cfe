"""Online calibration of the intervals: quantile tracking of one shift per crop and bound.

The conformal offsets (``calibration.py``) are learnt on the days before the backtest weeks;
the days after them are not like those days (a crop's price swing and season move its
spread: one 8-week window of one crop covers 77-88 % with the offsets alone). Quantile tracking
(Angelopoulos, Candes, Tibshirani 2023, "Conformal PID control", the P part; ACI of Gibbs and
Candes 2021 on the score scale) follows that: each crop has a shift of its lower and of its
upper offset (log1p units, added to the offsets of days 1 to ``TRACKED_DAYS`` ahead), and each
forecast day whose actual demand becomes known moves it:

    shift <- shift + STEP x (missed - TAIL)

``missed`` is 1 when the actual day fell outside that bound AS SERVED (with the shift of the
day the forecast was made), so a bound missed more often than ``TAIL`` (10 %) of days widens
and one missed less narrows. Over any T compared days of a crop, the share of misses of a
bound differs from ``TAIL`` by exactly (shift after - shift before) / (STEP x T): as long as
the shift stays bounded, the misses cannot stray far from ``TAIL`` for long (Gibbs and Candes,
Prop. 4.1).

Because ``missed`` is measured against the bounds that were served, the shift after any set
of compared days is the starting shift plus ``STEP x sum(missed - TAIL)`` over those days:
the backtest runs it day by day; the trainer writes the shift at the end of the data in the
model card; the prediction service adds what its own served forecasts and the settled demand
of the days after that say (``services/prediction/interval_tracking.py``). Pure numpy."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from .calibration import TAIL, IntervalCalibration
from .recursive import SeriesForecast, SeriesInput

#: Step of the tracker (log1p units per compared forecast day). Chosen on the days before the
#: backtest weeks (tests/prediction/study_tracking.py): of 0.001-0.05, 0.005 keeps
#: every crop within 78-82 % in the most 8-week windows there (84 %; 7 % without tracking).
STEP = 0.005
#: The days ahead the tracker learns from and shifts (the later horizon groups keep the offsets).
TRACKED_DAYS = 7


@dataclass(frozen=True)
class Tracking:
    """The shift of the lower and upper offset per crop (log1p units)."""

    crops: tuple[str, ...]
    lower: np.ndarray
    upper: np.ndarray
    step: float = STEP

    @classmethod
    def zero(cls, crops: Sequence[str], step: float = STEP) -> Tracking:
        return cls(tuple(crops), np.zeros(len(crops)), np.zeros(len(crops)), step)

    def moved(self, crops: Sequence[str], missed_lower: np.ndarray, missed_upper: np.ndarray) -> Tracking:
        """After compared forecast days of ``crops`` (one per day) with these misses (bool)."""
        index = np.array([self.crops.index(c) for c in crops], dtype=np.int64)
        lower, upper = self.lower.copy(), self.upper.copy()
        np.add.at(lower, index, self.step * (np.asarray(missed_lower, dtype=np.float64) - TAIL))
        np.add.at(upper, index, self.step * (np.asarray(missed_upper, dtype=np.float64) - TAIL))
        return Tracking(self.crops, lower, upper, self.step)

    def plus_counts(self, counts: Mapping[str, tuple[int, int, int]]) -> Tracking:
        """After compared days given as ``{crop: (days, lower misses, upper misses)}``."""
        lower, upper = self.lower.copy(), self.upper.copy()
        for crop, (days, below, above) in counts.items():
            if crop in self.crops:
                i = self.crops.index(crop)
                lower[i] += self.step * (below - TAIL * days)
                upper[i] += self.step * (above - TAIL * days)
        return Tracking(self.crops, lower, upper, self.step)

    def calibration(self, offsets: IntervalCalibration) -> IntervalCalibration:
        """``offsets`` with the shifts added to the horizon groups of days 1-``TRACKED_DAYS``."""
        index = np.array([self.crops.index(c) for c in offsets.crops], dtype=np.int64)
        lower, upper = offsets.lower.copy(), offsets.upper.copy()
        lower[:, :TRACKED_DAYS, :] += self.lower[index][:, None, None]
        upper[:, :TRACKED_DAYS, :] += self.upper[index][:, None, None]
        return IntervalCalibration(offsets.crops, lower, upper)

    def to_json(self) -> dict[str, Any]:
        return {
            crop: {"lower": round(float(lo), 6), "upper": round(float(up), 6)}
            for crop, lo, up in zip(self.crops, self.lower, self.upper, strict=True)
        }

    @classmethod
    def from_json(cls, shifts: Mapping[str, Any], crops: Sequence[str], step: float) -> Tracking:
        """From the card's ``intervals.tracking.shift``; a crop not there starts at 0."""
        lower = np.array([float(shifts.get(c, {}).get("lower", 0.0)) for c in crops])
        upper = np.array([float(shifts.get(c, {}).get("upper", 0.0)) for c in crops])
        return cls(tuple(crops), lower, upper, step)


def tracked_forecasts(
    inputs: Sequence[SeriesInput],
    raw: Sequence[SeriesForecast],
    actuals: Sequence[np.ndarray],
    offsets: IntervalCalibration,
    tracking: Tracking,
    known_until: date,
) -> tuple[list[SeriesForecast], Tracking]:
    """Serve ``raw`` forecasts (made at their ``start``, from history before it) origin by origin
    as the service would: each with ``offsets`` plus the shift of its origin, the shift moved
    by the days 1-``TRACKED_DAYS`` ahead of the forecasts served before, once their day is over
    (a forecast day counts on the first origin after it). Returns the served forecasts and the
    shift once every compared day before ``known_until`` has counted."""
    starts = np.array([i.start.toordinal() for i in inputs], dtype=np.int64)
    crops = np.array([i.crop for i in inputs])
    served: list[SeriesForecast | None] = [None] * len(inputs)
    days = [(k, h) for k, f in enumerate(raw) for h in range(min(len(f.demand), TRACKED_DAYS))]
    day_of = np.array([starts[k] + h for k, h in days], dtype=np.int64)
    order = np.argsort(day_of, kind="stable")
    counted = 0

    def count_until(stop: int) -> None:
        nonlocal tracking, counted
        upto = counted + int(np.searchsorted(day_of[order[counted:]], stop))
        chosen = [days[i] for i in order[counted:upto]]
        counted = upto
        if not chosen:
            return
        below = [actuals[k][h] < served[k].lower[h] for k, h in chosen]  # type: ignore[union-attr]
        above = [actuals[k][h] > served[k].upper[h] for k, h in chosen]  # type: ignore[union-attr]
        tracking = tracking.moved([crops[k] for k, _ in chosen], np.array(below), np.array(above))

    for origin in np.unique(starts):
        count_until(int(origin))
        now = [int(k) for k in np.flatnonzero(starts == origin)]
        shifted = tracking.calibration(offsets)
        for k, f in zip(now, shifted.apply([inputs[k] for k in now], [raw[k] for k in now]), strict=True):
            served[k] = f
    count_until(known_until.toordinal())
    return [f for f in served if f is not None], tracking
