"""Pieces of the trainer that are quick to test: backtest alignment, ONNX export check."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from sklearn.ensemble import GradientBoostingRegressor

from services.prediction.ml.backtest import format_table, rolling_origin_backtest
from services.prediction.ml.dataset import DailySeries
from services.prediction.ml.features import Vocabulary
from services.prediction.ml.generator import generate_series
from services.prediction.ml.onnx_export import OnnxMismatchError, export_checked

VOCAB = Vocabulary(("rice", "lettuce"), ("Seoul", "Jeju"))
LAG_7 = VOCAB.feature_names().index("lag_7")


def _series() -> list[DailySeries]:
    out = []
    for crop, region in (("rice", "Seoul"), ("lettuce", "Jeju")):
        s = generate_series(crop, region, date(2025, 1, 1), date(2025, 6, 30))
        out.append(DailySeries(s.crop, s.region, s.start, s.quantity, s.source))
    return out


def test_a_model_that_repeats_last_week_scores_exactly_like_the_baseline():
    def repeat_last_week(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        lag = x[:, LAG_7].astype(np.float64)
        return lag, lag - 0.2, lag + 0.2

    metrics = rolling_origin_backtest(_series(), repeat_last_week, VOCAB, weeks=8, horizon=7)
    assert set(metrics) == {"rice", "lettuce", "all"}
    for m in metrics.values():
        assert m.mape == pytest.approx(m.baseline_mape, rel=1e-4)
        assert m.mase == pytest.approx(m.baseline_mase, rel=1e-4)
        assert m.points == m.series * 50 * 7  # 50 daily origins x 7 days
    assert "| rice |" in format_table(metrics)


def test_onnx_export_is_checked_against_scikit_learn():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(300, 4)).astype(np.float32)
    model = GradientBoostingRegressor(n_estimators=10, max_depth=2).fit(x, x[:, 0] + rng.normal(size=300))
    data, diff = export_checked(model, x, model.predict(x), "tiny")
    assert data[:2] and diff < 1e-4
    with pytest.raises(OnnxMismatchError, match="differ"):
        export_checked(model, x, model.predict(x) + 0.01, "tiny")
