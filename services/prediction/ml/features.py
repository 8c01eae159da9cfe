"""Model features: the ONE function used both in training and in serving (no train/serve skew).

A row describes one target day from the ``WINDOW`` days of demand just before it (oldest
first) plus the calendar of the target day and the crop/region. Demand features are log
ratios to the 28-day mean ("level"), and the model predicts the target's log ratio to that
level, so one model serves crops and regions of very different sizes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from .generator import day_of_year, month_of
from .holidays_kr import holiday_mask

WINDOW = 28  # days of history a row needs
LAGS = (1, 7, 14, 28)
ROLLING = (7, 14)
CALENDAR = ("weekday", "month", "doy_sin", "doy_cos", "holiday", "holiday_next")


@dataclass(frozen=True)
class Vocabulary:
    """Crop and region names in encoding order (unknown names encode as all zeros)."""

    crops: tuple[str, ...]
    regions: tuple[str, ...]

    def crop_index(self, crop: str) -> int:
        return self.crops.index(crop) if crop in self.crops else -1

    def region_index(self, region: str) -> int:
        return self.regions.index(region) if region in self.regions else -1

    def feature_names(self) -> list[str]:
        return [
            *(f"lag_{k}" for k in LAGS),
            *(f"roll_{k}" for k in ROLLING),
            "trend",
            *CALENDAR,
            *(f"crop={c}" for c in self.crops),
            *(f"region={r}" for r in self.regions),
        ]


def _log_ratio(values: np.ndarray, level: np.ndarray) -> np.ndarray:
    return np.log((np.maximum(values, 0.0) + 1.0) / (level + 1.0))


def level_of(windows: np.ndarray) -> np.ndarray:
    """The 28-day mean demand of each window: the scale the model's target is relative to."""
    return np.maximum(np.asarray(windows, dtype=np.float64), 0.0).mean(axis=1)


def to_target(actual: np.ndarray, level: np.ndarray) -> np.ndarray:
    """Training target: log((demand + 1) / (level + 1))."""
    return _log_ratio(np.asarray(actual, dtype=np.float64), level)


def from_target(prediction: np.ndarray, level: np.ndarray) -> np.ndarray:
    """Inverse of ``to_target``: demand units, never negative."""
    return np.maximum((level + 1.0) * np.exp(np.asarray(prediction, dtype=np.float64)) - 1.0, 0.0)


def feature_matrix(
    windows: np.ndarray,
    target_ordinals: np.ndarray,
    crops: Sequence[str],
    regions: Sequence[str],
    vocab: Vocabulary,
) -> np.ndarray:
    """Feature rows (float32, one per target day) - used identically by training and serving.

    ``windows``: shape (n, WINDOW), the demand of the WINDOW days before each target day,
    oldest first. ``target_ordinals``: ``date.toordinal()`` of each target day.
    """
    w = np.asarray(windows, dtype=np.float64)
    if w.ndim != 2 or w.shape[1] != WINDOW:
        raise ValueError(f"windows must have shape (n, {WINDOW})")
    ords = np.asarray(target_ordinals, dtype=np.int64)
    n = len(w)
    level = level_of(w)
    cols: list[np.ndarray] = [_log_ratio(w[:, -k], level) for k in LAGS]
    cols += [_log_ratio(np.maximum(w[:, -k:], 0.0).mean(axis=1), level) for k in ROLLING]
    cols.append(_log_ratio(np.maximum(w[:, -7:], 0.0).mean(axis=1), np.maximum(w[:, :7], 0.0).mean(axis=1)))
    doy = day_of_year(ords).astype(np.float64)
    month = month_of(ords)
    angle = 2.0 * np.pi * doy / 365.25
    cols += [
        ((ords - 1) % 7).astype(np.float64),
        month.astype(np.float64),
        np.sin(angle),
        np.cos(angle),
        holiday_mask(ords).astype(np.float64),
        holiday_mask(ords + 1).astype(np.float64),
    ]
    onehot = np.zeros((n, len(vocab.crops) + len(vocab.regions)))
    for i, (crop, region) in enumerate(zip(crops, regions, strict=True)):
        ci, ri = vocab.crop_index(crop), vocab.region_index(region)
        if ci >= 0:
            onehot[i, ci] = 1.0
        if ri >= 0:
            onehot[i, len(vocab.crops) + ri] = 1.0
    return np.column_stack([*cols, onehot]).astype(np.float32)


def training_rows(
    values: np.ndarray, start: date, crop: str, region: str, vocab: Vocabulary
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(X, y, level) for every day of one daily series that has WINDOW days before it.

    ``y`` is the target of ``to_target``; rows are built with ``feature_matrix``.
    """
    v = np.asarray(values, dtype=np.float64)
    if len(v) <= WINDOW:
        return np.zeros((0, len(vocab.feature_names())), np.float32), np.zeros(0), np.zeros(0)
    windows = np.lib.stride_tricks.sliding_window_view(v[:-1], WINDOW)
    ords = start.toordinal() + np.arange(WINDOW, len(v))
    n = len(windows)
    x = feature_matrix(windows, ords, [crop] * n, [region] * n, vocab)
    level = level_of(windows)
    return x, to_target(v[WINDOW:], level), level
