"""Daily demand series as the trainer sees them, and the train/backtest split."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from .features import WINDOW, Vocabulary, training_rows
from .generator import DEFAULT_SEED, GENERATED_END, GENERATED_START, generate_demand


@dataclass(frozen=True)
class DailySeries:
    """Demand of one crop in one region, one value per day from ``start`` (no gaps)."""

    crop: str
    region: str
    start: date
    quantity: np.ndarray
    source: str  # "generated" or "platform"

    @property
    def end(self) -> date:
        return self.start + timedelta(days=len(self.quantity) - 1)


def generated_dataset(
    start: date = GENERATED_START, end: date = GENERATED_END, seed: int = DEFAULT_SEED
) -> list[DailySeries]:
    """The GENERATED training data: every crop x region of ``generator.generate_demand``."""
    return [
        DailySeries(s.crop, s.region, s.start, s.quantity, s.source)
        for s in generate_demand(start, end, seed=seed)
    ]


def vocabulary_of(series: Sequence[DailySeries]) -> Vocabulary:
    return Vocabulary(
        crops=tuple(dict.fromkeys(s.crop for s in series)),
        regions=tuple(dict.fromkeys(s.region for s in series)),
    )


def training_matrix(
    series: Sequence[DailySeries],
    vocab: Vocabulary,
    holdout_days: int = 0,
    exclude: tuple[date, date] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Feature rows and targets of all series, leaving out each series' last ``holdout_days``
    and the rows whose target day lies in ``exclude`` (first day, day after the last)."""
    xs, ys = [], []
    for s in series:
        values = s.quantity[: len(s.quantity) - holdout_days]
        x, y, _ = training_rows(values, s.start, s.crop, s.region, vocab)
        if exclude is not None:
            target = s.start.toordinal() + WINDOW + np.arange(len(y))
            keep = (target < exclude[0].toordinal()) | (target >= exclude[1].toordinal())
            x, y = x[keep], y[keep]
        xs.append(x)
        ys.append(y)
    if not xs:
        raise ValueError("no series to train on")
    return np.vstack(xs), np.concatenate(ys)


def data_window(series: Sequence[DailySeries]) -> tuple[date, date]:
    return min(s.start for s in series), max(s.end for s in series)
