"""Recursive multi-step forecasting, shared by the backtest (scikit-learn) and serving (ONNX).

Each step builds one feature row per still-running series with ``features.feature_matrix``
and makes ONE call of the predictor for all of them; the point forecast is appended to the
series' history and feeds the lag features of the next step.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from .features import WINDOW, Vocabulary, feature_matrix, from_target, level_of

#: X (float32 rows) -> (point, lower, upper) in the model's target space (log ratio to level).
Predictor = Callable[[np.ndarray], tuple[np.ndarray, np.ndarray, np.ndarray]]


@dataclass(frozen=True)
class SeriesInput:
    """One forecast: ``days`` days from ``start``, given at least WINDOW days of history."""

    crop: str
    region: str
    start: date
    days: int
    history: np.ndarray  # daily demand of the days before ``start``, oldest first


@dataclass(frozen=True)
class SeriesForecast:
    demand: np.ndarray
    lower: np.ndarray
    upper: np.ndarray


def recursive_forecast(
    inputs: Sequence[SeriesInput], predict: Predictor, vocab: Vocabulary
) -> list[SeriesForecast]:
    """Forecast every input; one predictor call per step for all inputs still running."""
    if not inputs:
        return []
    horizon = max(s.days for s in inputs)
    buffers = np.zeros((len(inputs), WINDOW + horizon))
    for i, s in enumerate(inputs):
        hist = np.asarray(s.history, dtype=np.float64)
        if len(hist) < WINDOW:
            raise ValueError(f"history needs at least {WINDOW} days, got {len(hist)}")
        buffers[i, :WINDOW] = hist[-WINDOW:]
    starts = np.array([s.start.toordinal() for s in inputs], dtype=np.int64)
    days = np.array([s.days for s in inputs])
    lower = np.zeros((len(inputs), horizon))
    upper = np.zeros((len(inputs), horizon))
    for step in range(horizon):
        active = np.flatnonzero(days > step)
        windows = buffers[active, step : step + WINDOW]
        x = feature_matrix(
            windows,
            starts[active] + step,
            [inputs[int(i)].crop for i in active],
            [inputs[int(i)].region for i in active],
            vocab,
        )
        point, low, high = predict(x)
        level = level_of(windows)
        demand = from_target(point, level)
        buffers[active, WINDOW + step] = demand
        lower[active, step] = np.minimum(from_target(low, level), demand)
        upper[active, step] = np.maximum(from_target(high, level), demand)
    return [
        SeriesForecast(
            demand=buffers[i, WINDOW : WINDOW + s.days].copy(),
            lower=lower[i, : s.days].copy(),
            upper=upper[i, : s.days].copy(),
        )
        for i, s in enumerate(inputs)
    ]
