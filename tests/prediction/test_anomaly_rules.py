"""Rule signals of DOMAIN.md plus the isolation-forest score -> score, band and reasons."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.prediction import anomaly_rules as A
from services.prediction.ml.runtime import get_runtime
from services.prediction.ml.trades import POOLED, TradeRow, compute_norms, generate_trades


@pytest.fixture(scope="module")
def norms():
    return A.default_norms()


def normal(crop: str = "tomatoes", **kw) -> TradeRow:
    n = A.default_norms()[crop]
    base = {"unit_price": round(n.price_mean), "quantity": round(n.quantity_mean), "hour": 11}
    return TradeRow(crop=crop, **{**base, **kw})


@pytest.mark.parametrize(
    ("score", "band"),
    [(0, "LOW"), (0.299, "LOW"), (0.3, "MEDIUM"), (0.6, "HIGH"), (0.8, "CRITICAL"), (1, "CRITICAL")],
)
def test_risk_bands(score, band):
    assert A.risk_band(score) == band


def test_normal_generated_trades_are_low_risk():
    trades = generate_trades(400, seed=5)
    assert {t.source for t in trades} == {"generated"}
    scores = get_runtime().anomaly_score(trades)
    assessed = A.assess_trades(trades, list(scores))
    bands = [a.risk for a in assessed]
    assert bands.count("LOW") >= 0.95 * len(bands)
    assert "CRITICAL" not in bands and "HIGH" not in bands


def test_a_typical_trade_has_no_signal():
    a = A.assess_trade(normal(), isolation_score=0.45)
    assert a.score == 0 and a.risk == "LOW" and a.reasons == ()


def test_obvious_outliers_are_flagged_with_reasons(norms):
    price = normal(unit_price=10 * norms["tomatoes"].price_mean)
    iso = float(get_runtime().anomaly_score([price])[0])
    a = A.assess_trade(price, iso)
    assert a.risk in ("HIGH", "CRITICAL")
    assert "unit price" in a.reasons[0] and "above the tomatoes norm" in a.reasons[0]

    bulk_at_night = normal("rice", quantity=50 * norms["rice"].quantity_mean, hour=3, delivery_hours=400)
    b = A.assess_trade(bulk_at_night, float(get_runtime().anomaly_score([bulk_at_night])[0]))
    assert b.risk == "CRITICAL"
    names = {s.name for s in b.signals}
    assert {"quantity", "value", "night", "delivery"} <= names


def test_single_soft_signals():
    night = A.assess_trade(normal(hour=23))
    assert night.risk == "LOW" and night.reasons == ("trade at night (23h Korean time)",)
    assert not A.assess_trade(normal(hour=5)).signals
    reps = A.assess_trade(normal(producer_reputation=0.1, buyer_reputation=0.2))
    assert reps.risk == "MEDIUM" and "low reputation" in reps.reasons[0]
    assert not A.assess_trade(normal(producer_reputation=0.1, buyer_reputation=0.9)).signals
    assert not A.assess_trade(normal(delivery_hours=168)).signals
    assert "outside 24-168 h" in A.assess_trade(normal(delivery_hours=12)).reasons[0]


def test_quality_out_of_line_with_price(norms):
    n = norms["cabbage"]
    t = normal("cabbage", unit_price=n.price_mean + 2 * n.price_std, quality_score=40)
    a = A.assess_trade(t)
    assert any(s.name == "quality_price" for s in a.signals)
    assert "high price for low quality" in " ".join(a.reasons)


def test_updated_norms_can_be_passed():
    t = normal(unit_price=40_000)
    assert any(s.name == "price" for s in A.assess_trade(t).signals)
    platform = compute_norms([TradeRow("tomatoes", p, 150) for p in (38_000, 40_000, 42_000)], "platform")
    assert not any(s.name == "price" for s in A.assess_trade(t, norms=platform).signals)
    assert platform["tomatoes"].source == "platform" and POOLED in platform


def test_unknown_crop_uses_the_pooled_norm(norms):
    a = A.assess_trade(TradeRow("durian", 1_000_000, 100))
    assert any(s.name == "price" for s in a.signals)


def test_trade_row_from_event_uses_korean_time():
    event = SimpleNamespace(
        crop="Rice",
        quantity=10,
        unit_price=2000,
        total_value=20_000,
        quality_score=80.0,
        delivery_hours=48,
        created_at=datetime(2026, 1, 1, 15, 30, tzinfo=UTC),
    )
    row = TradeRow.from_trade(event, buyer_reputation=0.5)
    assert row.hour == 0 and row.crop == "rice" and row.value == 20_000 and row.buyer_reputation == 0.5


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(["tomatoes", "rice", "durian"]),
    st.floats(0, 1e6),
    st.floats(0, 1e6),
    st.floats(0, 100),
    st.integers(0, 23),
    st.floats(0, 1000),
    st.one_of(st.none(), st.floats(0, 1)),
    st.one_of(st.none(), st.floats(0, 1)),
)
def test_score_is_in_0_1_and_matches_its_band(crop, price, qty, quality, hour, delivery, iso, rep):
    t = TradeRow(crop, price, qty, quality, hour, delivery, None, rep, rep)
    a = A.assess_trade(t, iso)
    assert 0 <= a.score <= 1
    assert a.risk == A.risk_band(a.score)
    assert len(a.reasons) == len(a.signals)
