"""Rolling-origin backtest against the seasonal-naive forecast (same weekday last week).

One origin a day, placed so that every ``horizon``-day forecast lies inside the last
``weeks`` weeks (8 weeks, 7 days: 50 origins); from each origin the model forecasts
recursively from the actual history up to the origin. The model must have been trained on
data before those weeks. Per crop we report MAPE (over days with positive demand), MASE
(errors scaled by the in-sample mean absolute seasonal-naive error of each series) and the
share of actual days inside the 80 % interval, calibrated (``calibration.py``, and with the
shift of ``tracking.py`` followed from origin to origin as the service follows it) and as the
quantile models give it, per day ahead and in total, with the share below / above it.

``window_forecasts`` also serves the calibration: out-of-sample forecasts from every origin
of a window of days.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np

from .calibration import HORIZON_GROUPS, MAX_HORIZON, IntervalCalibration, Scores, group_label
from .dataset import DailySeries
from .features import WINDOW, Vocabulary
from .recursive import Predictor, SeriesForecast, SeriesInput, recursive_forecast
from .tracking import Tracking, tracked_forecasts

SEASON = 7  # seasonal-naive period: same weekday last week
BACKTEST_WEEKS = 8
HORIZON_DAYS = 7


@dataclass(frozen=True)
class CropMetrics:
    mape: float
    mase: float
    coverage_80: float  # calibrated interval, all days ahead
    baseline_mape: float
    baseline_mase: float
    points: int
    series: int
    coverage_80_uncalibrated: float  # the quantile models' interval
    below_lower: float
    above_upper: float
    coverage_by_horizon: tuple[float, ...]  # calibrated, day 1, 2, ... ahead

    @property
    def beats_baseline(self) -> bool:
        return self.mape < self.baseline_mape

    def to_json(self) -> dict[str, Any]:
        def rounded(v: Any) -> Any:
            if isinstance(v, float):
                return round(v, 4)
            return [rounded(x) for x in v] if isinstance(v, tuple | list) else v

        return {k: rounded(v) for k, v in asdict(self).items()}


@dataclass(frozen=True)
class WindowForecast:
    """One out-of-sample forecast: ``series`` from day index ``origin`` on, as the models give
    it (``raw``) and as served (``served``, calibrated when a calibration was given)."""

    series_index: int
    origin: int
    raw: SeriesForecast
    served: SeriesForecast

    def actual(self, series: Sequence[DailySeries]) -> np.ndarray:
        return series[self.series_index].quantity[self.origin : self.origin + len(self.raw.demand)]


def window_forecasts(
    series: Sequence[DailySeries],
    predict: Predictor,
    vocab: Vocabulary,
    first: date,
    stop: date,
    days: int,
    *,
    partial: bool = False,
    calibration: IntervalCalibration | None = None,
    min_history: int = WINDOW,
) -> list[WindowForecast]:
    """Recursive forecasts of ``days`` days from every origin in [first, stop) of every series
    with ``min_history`` days before the origin, from the actual history up to the origin.
    Forecasts end before ``stop``: near it they are cut short (``partial``) or left out."""
    inputs: list[SeriesInput] = []
    meta: list[tuple[int, int]] = []
    for si, s in enumerate(series):
        begin = max(first.toordinal() - s.start.toordinal(), min_history)
        end = min(stop.toordinal() - s.start.toordinal(), len(s.quantity))
        for origin in range(begin, end):
            length = min(days, end - origin)
            if length < days and not partial:
                break
            inputs.append(
                SeriesInput(s.crop, s.region, s.start + timedelta(days=origin), length, s.quantity[:origin])
            )
            meta.append((si, origin))
    raw = recursive_forecast(inputs, predict, vocab)
    served = calibration.apply(inputs, raw) if calibration is not None else raw
    return [WindowForecast(si, o, r, f) for (si, o), r, f in zip(meta, raw, served, strict=True)]


def window_scores(series: Sequence[DailySeries], forecasts: Sequence[WindowForecast]) -> Scores:
    """Conformity scores of the forecasts' uncalibrated bounds (see ``calibration``)."""
    return Scores.of(
        [series[f.series_index].crop for f in forecasts],
        [series[f.series_index].start + timedelta(days=f.origin) for f in forecasts],
        [f.raw for f in forecasts],
        [f.actual(series) for f in forecasts],
    )


def _backtest_window(series: Sequence[DailySeries], weeks: int) -> tuple[date, date]:
    """First day of the last ``weeks`` weeks of the data, and the day after its last day."""
    last = max(s.end for s in series)
    return last - timedelta(days=weeks * 7 - 1), last + timedelta(days=1)


def _metrics(rows: list[tuple[np.ndarray, ...]], series: int) -> CropMetrics:
    actual, model, naive, lower, upper, raw_lower, raw_upper, scale = (
        np.stack(c) for c in zip(*rows, strict=True)
    )
    pos = actual > 0
    inside = (actual >= lower) & (actual <= upper)
    return CropMetrics(
        mape=float(100 * np.mean(np.abs(actual - model)[pos] / actual[pos])),
        mase=float(np.mean(np.abs(actual - model) / scale)),
        coverage_80=float(np.mean(inside)),
        baseline_mape=float(100 * np.mean(np.abs(actual - naive)[pos] / actual[pos])),
        baseline_mase=float(np.mean(np.abs(actual - naive) / scale)),
        points=actual.size,
        series=series,
        coverage_80_uncalibrated=float(np.mean((actual >= raw_lower) & (actual <= raw_upper))),
        below_lower=float(np.mean(actual < lower)),
        above_upper=float(np.mean(actual > upper)),
        coverage_by_horizon=tuple(float(c) for c in inside.mean(axis=0)),
    )


def rolling_origin_backtest(
    series: Sequence[DailySeries],
    predict: Predictor,
    vocab: Vocabulary,
    weeks: int = BACKTEST_WEEKS,
    horizon: int = HORIZON_DAYS,
    calibration: IntervalCalibration | None = None,
) -> dict[str, CropMetrics]:
    """Metrics per crop and over all crops (key ``"all"``), the intervals calibrated with the
    offsets of ``calibration`` alone (when given)."""
    return _backtest(series, predict, vocab, weeks, horizon, calibration, None)[0]


def tracked_backtest(
    series: Sequence[DailySeries],
    predict: Predictor,
    vocab: Vocabulary,
    calibration: IntervalCalibration,
    tracking: Tracking,
    weeks: int = BACKTEST_WEEKS,
    horizon: int = HORIZON_DAYS,
) -> tuple[dict[str, CropMetrics], Tracking]:
    """``rolling_origin_backtest`` with the offsets of ``calibration`` plus the shift of
    ``tracking``, moved from origin to origin by the forecast days already over (``tracking.py``);
    also the shift at the end of the data."""
    metrics, end = _backtest(series, predict, vocab, weeks, horizon, calibration, tracking)
    assert end is not None
    return metrics, end


def _backtest(
    series: Sequence[DailySeries],
    predict: Predictor,
    vocab: Vocabulary,
    weeks: int,
    horizon: int,
    calibration: IntervalCalibration | None,
    tracking: Tracking | None,
) -> tuple[dict[str, CropMetrics], Tracking | None]:
    first, stop = _backtest_window(series, weeks)
    scales: dict[int, float] = {}
    for si, s in enumerate(series):
        train = s.quantity[: first.toordinal() - s.start.toordinal()]
        if len(train) < WINDOW + SEASON:
            continue
        scale = float(np.mean(np.abs(train[SEASON:] - train[:-SEASON])))
        if scale > 0:
            scales[si] = scale
    chosen = [series[si] for si in scales]
    if not chosen:
        raise ValueError("no series is long enough for the backtest")
    static = calibration if tracking is None else None
    forecasts = window_forecasts(chosen, predict, vocab, first, stop, horizon, calibration=static)
    if calibration is not None and tracking is not None:
        inputs = [
            SeriesInput(
                chosen[f.series_index].crop,
                chosen[f.series_index].region,
                chosen[f.series_index].start + timedelta(days=f.origin),
                len(f.raw.demand),
                chosen[f.series_index].quantity[: f.origin],
            )
            for f in forecasts
        ]
        actuals = [f.actual(chosen) for f in forecasts]
        served, tracking = tracked_forecasts(
            inputs, [f.raw for f in forecasts], actuals, calibration, tracking, stop
        )
        forecasts = [
            WindowForecast(f.series_index, f.origin, f.raw, g) for f, g in zip(forecasts, served, strict=True)
        ]
    index = list(scales)
    by_crop: dict[str, list[tuple[np.ndarray, ...]]] = {}
    series_of: dict[str, set[int]] = {}
    for f in forecasts:
        si = index[f.series_index]
        s = series[si]
        actual = f.actual(chosen)
        naive = s.quantity[f.origin - SEASON : f.origin - SEASON + horizon]
        row = (
            actual,
            f.served.demand,
            naive,
            f.served.lower,
            f.served.upper,
            f.raw.lower,
            f.raw.upper,
            np.full(horizon, scales[si]),
        )
        by_crop.setdefault(s.crop, []).append(row)
        series_of.setdefault(s.crop, set()).add(si)
    result = {crop: _metrics(rows, len(series_of[crop])) for crop, rows in by_crop.items()}
    every = [r for rows in by_crop.values() for r in rows]
    result["all"] = _metrics(every, len(scales))
    return result, tracking


def longer_horizon_coverage(
    series: Sequence[DailySeries],
    predict: Predictor,
    vocab: Vocabulary,
    calibration: IntervalCalibration | None,
    weeks: int = BACKTEST_WEEKS,
    horizon: int = HORIZON_DAYS,
) -> dict[str, dict[str, float]]:
    """Calibrated coverage of the horizon groups beyond ``horizon`` days, per crop and over all
    crops ("all"): ``MAX_HORIZON``-day forecasts from every origin where they fit inside the
    backtest weeks (29 origins in 8 weeks)."""
    first, stop = _backtest_window(series, weeks)
    forecasts = window_forecasts(series, predict, vocab, first, stop, MAX_HORIZON, calibration=calibration)
    inside: dict[str, list[np.ndarray]] = {}
    for f in forecasts:
        actual = f.actual(series)
        hit = (actual >= f.served.lower) & (actual <= f.served.upper)
        inside.setdefault(series[f.series_index].crop, []).append(hit)
    if not inside:
        return {}
    groups = [g for g in HORIZON_GROUPS if g[0] > horizon]
    stacked = {crop: np.stack(rows) for crop, rows in inside.items()}
    stacked["all"] = np.concatenate(list(stacked.values()))
    return {
        crop: {group_label(g): float(hits[:, g[0] - 1 : g[1]].mean()) for g in groups}
        for crop, hits in stacked.items()
    }


def format_table(metrics: dict[str, CropMetrics]) -> str:
    """The backtest figures as a Markdown table (printed by the trainer, pasted in the docs)."""
    lines = [
        "| crop | MAPE % | seasonal-naive MAPE % | MASE | seasonal-naive MASE | 80% interval coverage |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for crop, m in metrics.items():
        lines.append(
            f"| {crop} | {m.mape:.2f} | {m.baseline_mape:.2f} | {m.mase:.3f} | {m.baseline_mase:.3f} "
            f"| {100 * m.coverage_80:.1f} % |"
        )
    return "\n".join(lines)


def format_coverage_table(metrics: dict[str, CropMetrics], longer: dict[str, dict[str, float]]) -> str:
    """Calibrated 80 % interval coverage per crop and day ahead as a Markdown table: days 1-7 and
    their total, the shares below / above the interval, the uncalibrated total, longer horizons."""
    horizon = len(next(iter(metrics.values())).coverage_by_horizon)
    extra = list(next(iter(longer.values()), {}))
    head = [*(f"{h} d" for h in range(1, horizon + 1)), f"1-{horizon} d", "below", "above", "uncalibrated"]
    head += [f"{label} d" for label in extra]
    lines = ["| crop | " + " | ".join(head) + " |", "| --- |" + " ---: |" * len(head)]
    for crop, m in metrics.items():
        cells = [
            *m.coverage_by_horizon,
            m.coverage_80,
            m.below_lower,
            m.above_upper,
            m.coverage_80_uncalibrated,
        ]
        cells += [longer.get(crop, {}).get(label, float("nan")) for label in extra]
        lines.append(f"| {crop} | " + " | ".join(f"{100 * c:.1f}" for c in cells) + " |")
    return "\n".join(lines)
