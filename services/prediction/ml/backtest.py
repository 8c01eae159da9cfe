"""Rolling-origin backtest against the seasonal-naive forecast (same weekday last week).

One origin a day, placed so that every ``horizon``-day forecast lies inside the last
``weeks`` weeks (8 weeks, 7 days: 50 origins); from each origin the model forecasts
recursively from the actual history up to the origin. The model must have been trained on
data before those weeks. Per crop we report MAPE (over days
with positive demand), MASE (errors scaled by the in-sample mean absolute seasonal-naive error
of each series) and the share of actual days inside the 80 % interval.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import timedelta
from typing import Any

import numpy as np

from .dataset import DailySeries
from .features import WINDOW, Vocabulary
from .recursive import Predictor, SeriesInput, recursive_forecast

SEASON = 7  # seasonal-naive period: same weekday last week


@dataclass(frozen=True)
class CropMetrics:
    mape: float
    mase: float
    coverage_80: float
    baseline_mape: float
    baseline_mase: float
    points: int
    series: int

    @property
    def beats_baseline(self) -> bool:
        return self.mape < self.baseline_mape

    def to_json(self) -> dict[str, Any]:
        return {k: round(v, 4) if isinstance(v, float) else v for k, v in asdict(self).items()}


def _metrics(rows: list[tuple[np.ndarray, ...]], series: int) -> CropMetrics:
    actual, model, naive, lower, upper, scale = (np.concatenate(c) for c in zip(*rows, strict=True))
    pos = actual > 0
    return CropMetrics(
        mape=float(100 * np.mean(np.abs(actual - model)[pos] / actual[pos])),
        mase=float(np.mean(np.abs(actual - model) / scale)),
        coverage_80=float(np.mean((actual >= lower) & (actual <= upper))),
        baseline_mape=float(100 * np.mean(np.abs(actual - naive)[pos] / actual[pos])),
        baseline_mase=float(np.mean(np.abs(actual - naive) / scale)),
        points=len(actual),
        series=series,
    )


def rolling_origin_backtest(
    series: Sequence[DailySeries],
    predict: Predictor,
    vocab: Vocabulary,
    weeks: int = 8,
    horizon: int = 7,
) -> dict[str, CropMetrics]:
    """Metrics per crop and over all crops (key ``"all"``)."""
    test_days = weeks * 7
    inputs: list[SeriesInput] = []
    meta: list[tuple[int, int, float]] = []
    for si, s in enumerate(series):
        q = s.quantity
        n = len(q)
        train = q[: n - test_days]
        if len(train) < WINDOW + SEASON:
            continue
        scale = float(np.mean(np.abs(train[SEASON:] - train[:-SEASON])))
        if scale <= 0:
            continue
        for origin in range(n - test_days, n - horizon + 1):
            start = s.start + timedelta(days=origin)
            inputs.append(SeriesInput(s.crop, s.region, start, horizon, q[:origin]))
            meta.append((si, origin, scale))
    if not inputs:
        raise ValueError("no series is long enough for the backtest")
    forecasts = recursive_forecast(inputs, predict, vocab)
    by_crop: dict[str, list[tuple[np.ndarray, ...]]] = {}
    series_of: dict[str, set[int]] = {}
    for (si, origin, scale), f in zip(meta, forecasts, strict=True):
        s = series[si]
        actual = s.quantity[origin : origin + horizon]
        naive = s.quantity[origin - SEASON : origin - SEASON + horizon]
        row = (actual, f.demand, naive, f.lower, f.upper, np.full(horizon, scale))
        by_crop.setdefault(s.crop, []).append(row)
        series_of.setdefault(s.crop, set()).add(si)
    result = {crop: _metrics(rows, len(series_of[crop])) for crop, rows in by_crop.items()}
    every = [r for rows in by_crop.values() for r in rows]
    result["all"] = _metrics(every, len({si for si, _, _ in meta}))
    return result


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
