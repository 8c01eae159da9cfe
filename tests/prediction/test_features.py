"""One feature function for training and serving: rows built both ways are identical."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from services.prediction.ml.crops import CROPS, REGIONS
from services.prediction.ml.features import (
    WINDOW,
    Vocabulary,
    feature_matrix,
    from_target,
    level_of,
    to_target,
    training_rows,
)
from services.prediction.ml.generator import generate_series
from services.prediction.ml.recursive import SeriesInput, recursive_forecast

VOCAB = Vocabulary(CROPS, REGIONS)
START = date(2025, 6, 1)


def test_training_rows_equal_the_rows_the_forecaster_builds():
    s = generate_series("lettuce", "Gangwon", START, START + timedelta(days=199))
    x_train, y_train, level = training_rows(s.quantity, s.start, s.crop, s.region, VOCAB)
    assert x_train.shape == (200 - WINDOW, len(VOCAB.feature_names()))
    seen: list[np.ndarray] = []

    def recording(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        seen.append(x.copy())
        zero = np.zeros(len(x))
        return zero, zero, zero

    positions = [0, 1, 17, 100, 171]
    inputs = [
        SeriesInput(s.crop, s.region, s.start + timedelta(days=WINDOW + i), 1, s.quantity[: WINDOW + i])
        for i in positions
    ]
    recursive_forecast(inputs, recording, VOCAB)
    np.testing.assert_array_equal(seen[0], x_train[positions])
    np.testing.assert_allclose(from_target(y_train, level), s.quantity[WINDOW:], rtol=1e-9)


def test_calendar_and_encodings():
    windows = np.full((2, WINDOW), 100.0)
    ords = np.array([date(2025, 10, 6).toordinal(), date(2025, 10, 4).toordinal()])  # Chuseok; its eve's eve
    x = feature_matrix(windows, ords, ["rice", "durian"], ["Jeju", "Seoul"], VOCAB)
    names = VOCAB.feature_names()
    row = dict(zip(names, x[0], strict=True))
    assert row["weekday"] == 0 and row["month"] == 10 and row["holiday"] == 1
    assert row["crop=rice"] == 1 and row["region=Jeju"] == 1 and sum(x[0, -12:]) == 2
    assert all(row[f"lag_{k}"] == 0 for k in (1, 7, 14, 28))
    other = dict(zip(names, x[1], strict=True))
    assert other["weekday"] == 5 and other["holiday"] == 0 and other["holiday_next"] == 1
    assert sum(x[1, : -len(REGIONS)][-len(CROPS) :]) == 0  # unknown crop: all zeros


def test_target_round_trip():
    windows = np.abs(np.random.default_rng(1).normal(500, 100, (5, WINDOW)))
    level = level_of(windows)
    actual = np.array([0.0, 10, 400, 900, 5000])
    np.testing.assert_allclose(from_target(to_target(actual, level), level), actual, atol=1e-9)
