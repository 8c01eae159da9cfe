"""The serving runtime on the committed ONNX artifacts (no training in tests)."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest

from services.prediction.ml import card as K
from services.prediction.ml.crops import CROPS, REGIONS
from services.prediction.ml.generator import generate_series, generated_history
from services.prediction.ml.runtime import ForecastInputError, ForecastRequest, ModelRuntime, get_runtime
from services.prediction.ml.trades import TradeRow, generate_trades

DAY = date(2026, 11, 27)


@pytest.fixture(scope="module")
def rt() -> ModelRuntime:
    return get_runtime()


def test_model_card_describes_the_committed_files(rt):
    card = K.load_card()
    K.verify_files(K.ARTIFACTS_DIR, card)
    assert set(card["files"]) == {*K.ONNX_FILES.values(), K.NORMS_FILE}
    assert sum(f["bytes"] for f in card["files"].values()) < 5_000_000
    assert card["data"]["source"] == "generated"
    assert rt.version == card["version"] and rt.data_source == "generated"


def test_model_beats_seasonal_naive_on_every_crop():
    backtest = K.load_card()["backtest"]
    assert set(backtest["per_crop"]) == set(CROPS)
    for crop, m in backtest["per_crop"].items():
        assert m["mape"] < m["baseline_mape"], crop
        assert m["mase"] < m["baseline_mase"], crop
        assert 0.6 < m["coverage_80"] <= 1.0, crop
    assert backtest["beats_baseline_mape_every_crop"] is True


@pytest.mark.parametrize("days", [1, 7, 28])
def test_shapes_dates_and_ordered_bounds(rt, days):
    results = rt.forecast_many([ForecastRequest(c, r, DAY, days) for c in CROPS for r in REGIONS])
    for res in results:
        assert len(res.points) == days
        assert [p.date for p in res.points] == [DAY + timedelta(days=i) for i in range(days)]
        for p in res.points:
            assert 0 <= p.lower <= p.demand <= p.upper
            assert np.isfinite([p.lower, p.demand, p.upper]).all()
        assert res.total == pytest.approx(sum(p.demand for p in res.points), abs=0.05)
        assert res.model_version == rt.version and res.history_source == "generated"
        assert res.data_window == (date(2023, 11, 1), date(2026, 10, 31))


def test_batch_equals_single_requests(rt):
    rng = np.random.default_rng(3)
    requests = [
        ForecastRequest(
            crop=CROPS[i % 5],
            region=REGIONS[i % 7],
            start_date=DAY + timedelta(days=int(rng.integers(0, 60))),
            days=int(rng.integers(1, 29)),
            history=None if i % 3 else list(rng.uniform(100, 3000, 28 + i)),
        )
        for i in range(24)
    ]
    batched = rt.forecast_many(requests)
    for req, res in zip(requests, batched, strict=True):
        assert rt.forecast(req) == res


def test_generated_history_is_used_when_none_is_given(rt):
    hist = generated_history("cabbage", "Jeolla", DAY, 60)
    given = rt.forecast(ForecastRequest("cabbage", "Jeolla", DAY, 7, list(hist)))
    generated = rt.forecast(ForecastRequest("Cabbage ", "jeolla", DAY, 7))
    # the same forecast; only a given history's bounds carry the tracked shift (test_intervals.py)
    assert [(p.date, p.demand) for p in given.points] == [(p.date, p.demand) for p in generated.points]
    assert generated.history_source == "generated" and given.history_source == "given"
    assert generated.to_dict()["points"][0]["date"] == DAY


def test_forecast_tracks_generated_demand_better_than_seasonal_naive(rt):
    """Out of sample: the weeks after the generated training window."""
    model_err, naive_err = [], []
    for origin in (date(2026, 11, 10), date(2026, 11, 24), date(2026, 12, 8)):
        reqs = [ForecastRequest(c, r, origin, 7) for c in CROPS for r in REGIONS]
        for req, res in zip(reqs, rt.forecast_many(reqs), strict=True):
            s = generate_series(req.crop, req.region, origin - timedelta(days=7), origin + timedelta(days=6))
            actual, naive = s.quantity[7:], s.quantity[:7]
            model_err.append(np.abs(actual - [p.demand for p in res.points]) / actual)
            naive_err.append(np.abs(actual - naive) / actual)
    assert np.mean(model_err) < 0.9 * np.mean(naive_err)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"days": 0}, "between 1 and 28"),
        ({"days": 29}, "between 1 and 28"),
        ({"crop": "durian"}, "unknown crop"),
        ({"region": "Busan"}, "unknown region"),
        ({"history": [100.0] * 27}, "at least 28"),
        ({"history": [100.0] * 27 + [-1.0]}, "not negative"),
        ({"history": [100.0] * 27 + [float("nan")]}, "finite"),
    ],
)
def test_bad_requests_are_refused(rt, change, message):
    base = {"crop": "rice", "region": "Seoul", "start_date": DAY, "days": 7, "history": None}
    with pytest.raises(ForecastInputError, match=message):
        rt.forecast_many([ForecastRequest(**{**base, **change})])


def test_anomaly_scores_are_in_0_1_and_separate_outliers(rt):
    normal = generate_trades(300, seed=11)
    scores = rt.anomaly_score(normal)
    assert scores.shape == (300,) and np.all((scores >= 0) & (scores <= 1))
    odd = [
        TradeRow("tomatoes", 40_000, 150, 80, 12, 48),
        TradeRow("rice", 2200, 40_000, 80, 3, 48),
        TradeRow("lettuce", 500, 100, 20, 2, 400),
    ]
    odd_scores = rt.anomaly_score(odd)
    assert odd_scores.min() > np.median(scores)
    assert rt.anomaly_score([]).shape == (0,)
