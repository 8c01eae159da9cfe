"""Calibrated forecast intervals: conformalized quantile regression (CQR).

The quantile models give a 10 % and a 90 % bound, but forecast recursively on days they did not
train on, their interval covers less than 80 % of days (less a week ahead, and differently by
season and crop). CQR moves each bound by an offset learnt from such out-of-sample forecasts.
Scores, in ``log1p`` units so that one offset fits big and small series:

    lower score = log1p(lower) - log1p(actual)    (> 0: the actual day fell below the bound)
    upper score = log1p(actual) - log1p(upper)    (> 0: the actual day rose above the bound)

The offset of a bound is the conformal 90 % quantile of its scores (the ceil((n + 1) x 0.9)-th
smallest of n), so each bound is missed on about 10 % of days and the interval covers about
80 %. Offsets are kept per crop, horizon group (days ahead 1, 2, ..., 7, 8-14, 15-28) and month
of the forecast day (the scores of days within 45 days of the middle of that month, in any
year). Served bounds, from the bounds ``recursive_forecast`` gives (``lower <= demand <= upper``):

    lower' = clip((lower + 1) x exp(-lower offset) - 1, 0, demand)
    upper' = max((upper + 1) x exp(upper offset) - 1, demand)

A positive offset widens a bound, a negative one narrows it. Pure numpy: no fitting here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from .generator import day_of_year, month_of
from .recursive import SeriesForecast, SeriesInput

NOMINAL_COVERAGE = 0.8
#: Each bound is meant to be missed on this share of days (below the lower, above the upper).
TAIL = (1.0 - NOMINAL_COVERAGE) / 2.0
MAX_HORIZON = 28
#: Days ahead (first, last) sharing offsets: each of the first 7 days, then 8-14 and 15-28.
HORIZON_GROUPS: tuple[tuple[int, int], ...] = (*((h, h) for h in range(1, 8)), (8, 14), (15, 28))
#: Scores of forecast days within this many days of a month's middle calibrate that month.
MONTH_WINDOW_DAYS = 45
#: Out-of-sample days needed before the backtest weeks, so that every month has scores.
CALIBRATION_DAYS = 365
#: A crop / horizon group / month with fewer scores cannot be calibrated.
MIN_CELL_SCORES = 30
#: The trainer refuses a model whose backtest coverage (per crop, per day ahead) is outside these.
COVERAGE_BOUNDS = (0.75, 0.85)

_GROUP_OF_DAY = np.array(
    [g for g, (first, last) in enumerate(HORIZON_GROUPS) for _ in range(first, last + 1)]
)
assert len(_GROUP_OF_DAY) == MAX_HORIZON
_MONTH_MIDDLE = np.array([date(2001, m, 15).timetuple().tm_yday for m in range(1, 13)])


class CalibrationError(ValueError):
    """Too few out-of-sample forecasts to calibrate the intervals."""


def group_label(group: tuple[int, int]) -> str:
    first, last = group
    return str(first) if first == last else f"{first}-{last}"


def conformity(actual: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(lower score, upper score) of each day; a score above 0 is a missed bound."""
    a = np.log1p(np.maximum(np.asarray(actual, dtype=np.float64), 0.0))
    return np.log1p(lower) - a, a - np.log1p(upper)


def conformal_quantile(values: np.ndarray, level: float) -> float:
    """The ceil((n + 1) x level)-th smallest of the n values (split-conformal quantile)."""
    n = len(values)
    k = math.ceil((n + 1) * level)
    if k > n:
        raise CalibrationError(f"{n} scores cannot give a conformal {level:.0%} quantile")
    return float(np.partition(np.asarray(values, dtype=np.float64), k - 1)[k - 1])


@dataclass(frozen=True)
class Scores:
    """Scores of out-of-sample forecast days: crop, days ahead (1-based), forecast day
    (ordinal), lower and upper score (see ``conformity``)."""

    crop: np.ndarray
    horizon: np.ndarray
    day: np.ndarray
    lower: np.ndarray
    upper: np.ndarray

    @classmethod
    def of(
        cls,
        crops: Sequence[str],
        starts: Sequence[date],
        forecasts: Sequence[SeriesForecast],
        actuals: Sequence[np.ndarray],
    ) -> Scores:
        """Scores of forecasts of ``crops`` starting on ``starts``, against the ``actuals``."""
        parts: list[tuple[np.ndarray, ...]] = []
        for crop, start, f, actual in zip(crops, starts, forecasts, actuals, strict=True):
            days = len(f.demand)
            low, high = conformity(actual, f.lower, f.upper)
            parts.append(
                (np.full(days, crop), np.arange(1, days + 1), start.toordinal() + np.arange(days), low, high)
            )
        return cls(*(np.concatenate(c) for c in zip(*parts, strict=True)))

    @classmethod
    def concat(cls, parts: Sequence[Scores]) -> Scores:
        return cls(
            *(
                np.concatenate([getattr(p, f) for p in parts])
                for f in ("crop", "horizon", "day", "lower", "upper")
            )
        )

    def __len__(self) -> int:
        return len(self.lower)


@dataclass(frozen=True)
class IntervalCalibration:
    """Offsets (log1p units) of the lower and upper bound, shape (crop, horizon group, month)."""

    crops: tuple[str, ...]
    lower: np.ndarray
    upper: np.ndarray

    @classmethod
    def identity(cls, crops: Sequence[str]) -> IntervalCalibration:
        """No offsets: the quantile models' bounds as they are."""
        zeros = np.zeros((len(crops), len(HORIZON_GROUPS), 12))
        return cls(tuple(crops), zeros, zeros)

    def offsets(self, crops: Sequence[str], starts: np.ndarray, days: int) -> tuple[np.ndarray, np.ndarray]:
        """(lower, upper) offsets, shape (len(crops), days), of forecasts starting on ``starts``."""
        crop = np.array([self.crops.index(c) for c in crops])[:, None]
        month = month_of(np.asarray(starts, dtype=np.int64)[:, None] + np.arange(days)) - 1
        group = _GROUP_OF_DAY[:days][None, :]
        return self.lower[crop, group, month], self.upper[crop, group, month]

    def apply(
        self, inputs: Sequence[SeriesInput], forecasts: Sequence[SeriesForecast]
    ) -> list[SeriesForecast]:
        """The forecasts with calibrated bounds (demand unchanged); one numpy pass for all."""
        if not inputs:
            return []
        lengths = [len(f.demand) for f in forecasts]
        horizon = max(lengths)
        starts = np.array([i.start.toordinal() for i in inputs])
        low, high = self.offsets([i.crop for i in inputs], starts, horizon)
        demand, lower, upper = (np.zeros((len(forecasts), horizon)) for _ in range(3))
        for k, f in enumerate(forecasts):
            demand[k, : lengths[k]], lower[k, : lengths[k]], upper[k, : lengths[k]] = (
                f.demand,
                f.lower,
                f.upper,
            )
        lower = np.clip(np.expm1(np.log1p(lower) - low), 0.0, demand)
        upper = np.maximum(np.expm1(np.log1p(upper) + high), demand)
        return [
            SeriesForecast(demand=f.demand, lower=lower[k, :n], upper=upper[k, :n])
            for k, (f, n) in enumerate(zip(forecasts, lengths, strict=True))
        ]

    def to_json(self) -> dict[str, Any]:
        return {
            crop: {"lower": self.lower[i].tolist(), "upper": self.upper[i].tolist()}
            for i, crop in enumerate(self.crops)
        }

    @classmethod
    def from_json(cls, offsets: Mapping[str, Any], crops: Sequence[str]) -> IntervalCalibration:
        """From the card's ``intervals.offsets``; every crop of ``crops`` must be there."""
        missing = [c for c in crops if c not in offsets]
        if missing:
            raise ValueError(f"the model card has no interval offsets for {missing}")
        shape = (len(HORIZON_GROUPS), 12)
        lower = np.array([offsets[c]["lower"] for c in crops], dtype=np.float64)
        upper = np.array([offsets[c]["upper"] for c in crops], dtype=np.float64)
        if lower.shape[1:] != shape or upper.shape[1:] != shape:
            raise ValueError(f"interval offsets must have shape (horizon groups, months) = {shape}")
        return cls(tuple(crops), lower, upper)


def fit_offsets(scores: Scores, crops: Sequence[str]) -> IntervalCalibration:
    """Conformal offsets per crop, horizon group and month from out-of-sample ``scores``
    (rounded to 1e-6, so that the backtest, the card and serving use the same numbers)."""
    groups = _GROUP_OF_DAY[np.asarray(scores.horizon) - 1]
    doy = day_of_year(np.asarray(scores.day, dtype=np.int64))
    lower = np.zeros((len(crops), len(HORIZON_GROUPS), 12))
    upper = np.zeros_like(lower)
    for ci, crop in enumerate(crops):
        of_crop = np.flatnonzero(scores.crop == crop)
        for g, group in enumerate(HORIZON_GROUPS):
            cell = of_crop[groups[of_crop] == g]
            distance = np.abs(doy[cell][:, None] - _MONTH_MIDDLE[None, :]) % 365
            near = np.minimum(distance, 365 - distance) <= MONTH_WINDOW_DAYS
            for m in range(12):
                chosen = cell[near[:, m]]
                if len(chosen) < MIN_CELL_SCORES:
                    raise CalibrationError(
                        f"only {len(chosen)} out-of-sample forecast days of {crop}, "
                        f"{group_label(group)} days ahead, around month {m + 1}: "
                        f"{MIN_CELL_SCORES} are needed to calibrate the intervals"
                    )
                lower[ci, g, m] = conformal_quantile(scores.lower[chosen], 1.0 - TAIL)
                upper[ci, g, m] = conformal_quantile(scores.upper[chosen], 1.0 - TAIL)
    return IntervalCalibration(tuple(crops), np.round(lower, 6), np.round(upper, 6))


def out_of_bounds(coverage: Mapping[str, float], bounds: tuple[float, float] = COVERAGE_BOUNDS) -> list[str]:
    """The named coverages outside ``bounds`` (inclusive), as readable strings."""
    low, high = bounds
    return [f"{name} {100 * value:.1f} %" for name, value in coverage.items() if not low <= value <= high]
