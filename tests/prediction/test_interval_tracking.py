"""Online calibration of the forecast intervals (quantile tracking, ``ml/tracking.py``): a bound
missed too often widens, one missed too rarely narrows, a forecast only sees days that were
over before it was made, and what the service computes from its table of served forecasts
is the same shift as the day-by-day run of the backtest."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import numpy as np
import pytest
from prometheus_client.parser import text_string_to_metric_families

from pamtalk.events.envelope import Envelope
from services.prediction.consumers import analytics_data
from services.prediction.forecasts import forecast_pairs, today
from services.prediction.ml import calibration as CAL
from services.prediction.ml import tracking as TR
from services.prediction.ml.generator import generate_series
from services.prediction.ml.recursive import SeriesForecast, SeriesInput, recursive_forecast
from services.prediction.ml.runtime import ForecastRequest, ModelRuntime
from tests.prediction.support import KST, Api, change, platform_history, rows, settled, state

CROPS = ("rice", "lettuce")
ZERO = CAL.IntervalCalibration(("rice", "lettuce"), np.zeros((2, 9, 12)), np.zeros((2, 9, 12)))


def _stream(
    days: int, rng: np.random.Generator, spread: float
) -> tuple[list[SeriesInput], list[SeriesForecast], list[np.ndarray]]:
    """One rice series, a 7-day forecast from every origin: demand 100 with interval [80, 125]
    (log1p), actual days lognormal around 100 with ``spread`` (0.15: the interval covers ~88 %)."""
    first = date(2026, 1, 1)
    inputs, raw, actual = [], [], []
    for k in range(days):
        inputs.append(SeriesInput("rice", "Seoul", first + timedelta(days=k), 7, np.zeros(28)))
        raw.append(SeriesForecast(np.full(7, 100.0), np.full(7, 80.0), np.full(7, 125.0)))
        actual.append(np.exp(np.log(100.0) + spread * rng.standard_normal(7)))
    return inputs, raw, actual


def _coverage(served: list[SeriesForecast], actual: list[np.ndarray]) -> tuple[float, float, float]:
    a, lo, hi = (np.stack(x) for x in (actual, [f.lower for f in served], [f.upper for f in served]))
    return float(np.mean((a >= lo) & (a <= hi))), float(np.mean(a < lo)), float(np.mean(a > hi))


@pytest.mark.parametrize("spread", [0.1, 0.3])  # intervals far too wide, and far too narrow
def test_tracked_bounds_are_each_missed_on_about_10_percent_of_days(spread: float):
    inputs, raw, actual = _stream(730, np.random.default_rng(0), spread)
    fixed = _coverage(raw, actual)[0]
    served, end = TR.tracked_forecasts(inputs, raw, actual, ZERO, TR.Tracking.zero(CROPS), date(2028, 1, 1))
    covered, below, above = _coverage(served, actual)
    assert abs(fixed - 0.8) > 0.1  # the static interval is badly off ...
    assert covered == pytest.approx(0.8, abs=0.015)  # ... the tracked one is not
    assert below == pytest.approx(0.1, abs=0.01) and above == pytest.approx(0.1, abs=0.01)
    widen = spread > 0.2
    assert (end.lower[0] > 0) == widen and (end.upper[0] > 0) == widen
    assert end.lower[1] == end.upper[1] == 0.0  # lettuce had no days: unmoved


def test_a_forecast_sees_only_days_over_before_its_origin():
    """Serving forecast k must not depend on actual demand of its own days or later ones."""
    rng = np.random.default_rng(1)
    inputs, raw, actual = _stream(40, rng, 0.3)
    served, _ = TR.tracked_forecasts(inputs, raw, actual, ZERO, TR.Tracking.zero(CROPS), date(2027, 1, 1))
    changed = [a.copy() for a in actual]
    for k in range(20, 40):  # the days from origin 20 on, very different
        changed[k][:] = 1e6
    for k in range(13, 20):  # and the days of earlier forecasts that fall on or after day 20
        changed[k][20 - k :] = 1e6
    again, _ = TR.tracked_forecasts(inputs, raw, changed, ZERO, TR.Tracking.zero(CROPS), date(2027, 1, 1))
    for k in range(21):
        assert np.array_equal(served[k].upper, again[k].upper), k
    assert not np.array_equal(served[21].upper, again[21].upper)  # day 20 is over at origin 21


def test_the_shift_is_the_start_plus_step_times_the_counted_misses():
    """What the service computes from its table (days, misses per crop) is the backtest's shift."""
    rng = np.random.default_rng(2)
    inputs, raw, actual = _stream(60, rng, 0.2)
    start = TR.Tracking(CROPS, np.array([0.05, -0.01]), np.array([-0.02, 0.03]))
    until = date(2026, 1, 1) + timedelta(days=60)
    served, end = TR.tracked_forecasts(inputs, raw, actual, ZERO, start, until)
    days = [(k, h) for k in range(60) for h in range(7) if inputs[k].start + timedelta(days=h) < until]
    below = sum(actual[k][h] < served[k].lower[h] for k, h in days)
    above = sum(actual[k][h] > served[k].upper[h] for k, h in days)
    counted = start.plus_counts({"rice": (len(days), below, above), "barley": (9, 9, 9)})
    assert counted.lower == pytest.approx(end.lower) and counted.upper == pytest.approx(end.upper)
    assert end.lower[0] == pytest.approx(0.05 + TR.STEP * (below - 0.1 * len(days)))
    assert TR.Tracking.from_json(end.to_json(), CROPS, TR.STEP).lower == pytest.approx(end.lower, abs=1e-6)


def test_the_shift_moves_days_1_to_7_ahead_only():
    shift = TR.Tracking(CROPS, np.array([0.2, 0.0]), np.array([0.1, 0.0]))
    moved = shift.calibration(ZERO)
    assert np.all(moved.lower[0, :7] == 0.2) and np.all(moved.upper[0, :7] == 0.1)
    assert np.all(moved.lower[0, 7:] == 0.0) and np.all(moved.upper[0, 7:] == 0.0)  # 8-14, 15-28 d
    assert np.all(moved.lower[1] == 0.0)


@pytest.mark.integration
async def test_the_service_moves_the_shift_with_the_misses_of_its_served_forecasts(
    prediction_api: Api,
) -> None:
    """A forecast served from the platform's history is recorded with its model version; once
    its first days are over, their settled demand moves the crop's shift by STEP x (missed -
    0.1) per day and bound, and the next forecasts are served with it."""
    client, app = prediction_api
    crop, region = "lettuce", "Gangwon"
    start = today() - timedelta(days=3)
    await platform_history(app, crop, region, start)
    rt = await state(app).models()
    db = app.state.runtime.db
    try:
        await forecast_pairs(state(app), rt, db, [(crop, region)], start, 7)
        [served] = await rows(
            app, "SELECT * FROM served_forecasts WHERE crop = :c AND region = :r", c=crop, r=region
        )
        assert served["model_version"] == rt.version
        # day 1 inside the interval, day 2 above it, day 3 no trade (demand 0, below the lower bound)
        inside, above = round(served["demand"][0]), int(served["upper"][1] * 1.5) + 1
        assert served["lower"][0] <= inside <= served["upper"][0] and served["lower"][2] > 0
        handler = analytics_data(app.state.runtime)
        for k, quantity in ((0, inside), (1, above)):
            at = datetime.combine(start + timedelta(days=k), time(14, 30), tzinfo=KST)
            event = settled(crop=crop, quantity=str(Decimal(quantity)), region=region, at=at)
            await handler(Envelope.wrap(event, "t"), {})

        state(app).tracking_day = None  # as on a new day
        history = [900.0 + 10 * i for i in range(3, 28)] + [float(inside), float(above), 0.0]
        [week] = await forecast_pairs(state(app), rt, db, [(crop, region)], today(), 7)
        i = rt.vocab.crops.index(crop)
        assert rt.card_tracking is not None and rt.tracking is not None
        assert rt.tracking.lower[i] == pytest.approx(rt.card_tracking.lower[i] + TR.STEP * (1 - 0.3))
        assert rt.tracking.upper[i] == pytest.approx(rt.card_tracking.upper[i] + TR.STEP * (1 - 0.3))
        families = {f.name: f for f in text_string_to_metric_families((await client.get("/metrics")).text)}
        shown = {
            (s.labels["crop"], s.labels["bound"]): s.value
            for s in families["forecast_interval_shift"].samples
        }
        assert shown[(crop, "upper")] == pytest.approx(rt.tracking.upper[i])

        # what the API and the jobs serve now is the card's model with that shift
        assert week["history_source"] == "platform"
        fresh = ModelRuntime(rt.directory)
        fresh.follow({crop: (3, 1, 1)})
        expected = fresh.forecast(ForecastRequest(crop, region, today(), 7, history))
        plain = ModelRuntime(rt.directory).forecast(ForecastRequest(crop, region, today(), 7, history))
        for got, want, card_only in zip(week["points"], expected.points, plain.points, strict=True):
            assert (got["lower"], got["upper"]) == pytest.approx((want.lower, want.upper), abs=0.011)
            assert got["upper"] > card_only.upper  # missed more than 10 % of days: wider
    finally:
        await change(app, "DELETE FROM served_forecasts WHERE crop = :c", c=crop)
        rt.follow({})
        state(app).tracking_day = None


def test_the_committed_model_with_its_shift_followed_covers_80_percent_after_its_window():
    """Out of sample, as served: the committed model's 7-day forecasts from every origin of the
    12 weeks after its data window (generated demand), each with the card's offsets and the
    card's shift followed day by day from the end of the data."""
    rt = ModelRuntime()  # not the shared one: the service tests move its shift
    assert rt.card_tracking is not None and rt.tracked_after is not None
    first = rt.tracked_after + timedelta(days=1)
    inputs, actual = [], []
    for crop in rt.vocab.crops:
        for region in rt.vocab.regions:
            series = generate_series(crop, region, first - timedelta(days=28), first + timedelta(days=89))
            for k in range(84):
                inputs.append(
                    SeriesInput(crop, region, first + timedelta(days=k), 7, series.quantity[k : k + 28])
                )
                actual.append(series.quantity[k + 28 : k + 35])
    raw = recursive_forecast(inputs, rt.predict_target, rt.vocab)
    served, _ = TR.tracked_forecasts(
        inputs, raw, actual, rt.offsets, rt.card_tracking, first + timedelta(days=90)
    )
    crops = np.array([i.crop for i in inputs])
    a, lo, hi = (np.stack(x) for x in (actual, [f.lower for f in served], [f.upper for f in served]))
    for crop in rt.vocab.crops:
        mine = crops == crop
        assert 0.77 <= np.mean((a >= lo)[mine] & (a <= hi)[mine]) <= 0.83, crop
        assert np.mean(a[mine] < lo[mine]) < 0.13 and np.mean(a[mine] > hi[mine]) < 0.13, crop
    inside = (a >= lo) & (a <= hi)
    assert np.all(np.abs(inside.mean(axis=0) - 0.8) <= 0.02)  # every day ahead
