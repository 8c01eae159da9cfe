"""Forecast quality, live (issue 18): forecasts served from the platform's history are
recorded, a settled-demand day is compared with them (coverage and MAPE computed here by hand
from the recorded values), the gauges are on /metrics, and they stay right with several
worker processes (prometheus_client's multiprocess mode)."""

from __future__ import annotations

import math
import os
import subprocess
import sys
from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from prometheus_client.parser import text_string_to_metric_families

from pamtalk.events.envelope import Envelope
from services.prediction.consumers import analytics_data
from services.prediction.forecast_quality import quality
from services.prediction.forecasts import forecast_pairs, today
from tests.prediction.support import KST, Api, platform_history, rows, settled, state

pytestmark = pytest.mark.integration
DEMAND = "/api/v1/predictions/demand"
SERVED = "SELECT start, demand, lower, upper FROM served_forecasts WHERE crop = :crop AND region = :region"


async def test_forecasts_from_platform_history_are_recorded_once_per_first_day(
    prediction_api: Api,
) -> None:
    client, app = prediction_api
    start = today()
    await platform_history(app, "rice", "Gyeonggi", start)
    week = (await client.get(DEMAND, params={"crop": "rice", "region": "Gyeonggi"})).json()
    assert week["history_source"] == "platform"
    [recorded] = await rows(app, SERVED, crop="rice", region="Gyeonggi")
    assert recorded["start"] == start
    for name in ("demand", "lower", "upper"):  # 4-byte floats: 7 significant digits
        assert recorded[name] == pytest.approx([p[name] for p in week["points"]], rel=1e-6)

    fortnight = (await client.get(DEMAND, params={"crop": "rice", "region": "Gyeonggi", "days": 14})).json()
    [recorded] = await rows(app, SERVED, crop="rice", region="Gyeonggi")  # the longer one replaces it
    assert recorded["demand"] == pytest.approx([p["demand"] for p in fortnight["points"]], rel=1e-6)
    assert recorded["demand"][:7] == pytest.approx([p["demand"] for p in week["points"]], rel=1e-6)
    await client.get(DEMAND, params={"crop": "rice", "region": "Gyeonggi", "days": 3})
    [recorded] = await rows(app, SERVED, crop="rice", region="Gyeonggi")  # a shorter one does not
    assert len(recorded["upper"]) == 14

    generated = (await client.get(DEMAND, params={"crop": "rice", "region": "Jeju"})).json()
    assert generated["history_source"] == "generated"
    assert await rows(app, SERVED, crop="rice", region="Jeju") == []  # nothing of the platform's to judge


async def test_a_settled_day_gives_coverage_and_mape_on_metrics(prediction_api: Api) -> None:
    client, app = prediction_api
    crop, region = "carrots", "Chungcheong"
    start = today() - timedelta(days=3)
    await platform_history(app, crop, region, start)
    rt = await state(app).models()
    await forecast_pairs(state(app), rt, app.state.runtime.db, [(crop, region)], start, 7)
    [served] = await rows(app, SERVED, crop=crop, region=region)
    assert served["start"] == start and len(served["demand"]) == 7
    # The three days that are over are judged; the rest is not, yet.
    first, second, third = ({k: served[k][i] for k in ("demand", "lower", "upper")} for i in range(3))
    days = [start + timedelta(days=i) for i in range(3)]

    # Settled trades (through the consumer): day 1 inside the interval, in two trades, one of them
    # from a province of the region; day 2 far above it; day 3 none at all (demand 0).
    inside = Decimal(round(first["demand"]))
    above = Decimal(math.ceil(second["upper"] * 1.5))
    assert first["lower"] <= inside <= first["upper"] and third["lower"] > 0
    handler = analytics_data(app.state.runtime)
    for day, quantity, where in (
        (days[0], inside - 100, region),
        (days[0], Decimal(100), "Daejeon"),
        (days[1], above, region),
    ):
        at = datetime.combine(day, time(14, 30), tzinfo=KST)
        await handler(Envelope.wrap(settled(crop=crop, quantity=str(quantity), region=where, at=at), "t"), {})

    coverage = 1 / 3
    mape = (
        abs(float(inside) - first["demand"]) / float(inside)
        + abs(float(above) - second["demand"]) / float(above)
    ) / 2
    async with app.state.runtime.db.read() as read:
        figures = await quality(read, today())
    assert figures[crop].points == 3
    assert figures[crop].coverage == pytest.approx(coverage)
    assert figures[crop].mape == pytest.approx(mape, rel=1e-9)

    families = {f.name: f for f in text_string_to_metric_families((await client.get("/metrics")).text)}
    shown = {
        name: {s.labels["crop"]: s.value for s in families[name].samples}
        for name in ("forecast_interval_coverage_ratio", "forecast_mape_ratio", "forecast_compared_points")
    }
    assert shown["forecast_interval_coverage_ratio"][crop] == pytest.approx(coverage)
    assert shown["forecast_mape_ratio"][crop] == pytest.approx(mape, rel=1e-9)
    assert shown["forecast_compared_points"][crop] == 3
    assert set(shown["forecast_compared_points"]) == set(rt.vocab.crops)  # every crop, NaN without days
    assert math.isnan(shown["forecast_interval_coverage_ratio"]["tomatoes"])


WORKER = """
import sys
from services.prediction.forecast_quality import COVERAGE
COVERAGE.labels("rice").set(float(sys.argv[1]))
"""
SCRAPE = """
from pamtalk.metrics import _registry
from prometheus_client import generate_latest
print(generate_latest(_registry()).decode())
"""


def test_gauges_show_the_latest_figure_of_any_worker(tmp_path) -> None:
    """Two workers refresh one after the other (the second read the database later): a scrape
    answers the second's figure, then the first's once it has refreshed again - not the highest
    or the sum of what each worker once saw."""
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}

    def run(code: str, *args: str) -> str:
        proc = subprocess.run(
            [sys.executable, "-c", code, *args], env=env, capture_output=True, text=True, check=False
        )
        assert proc.returncode == 0, proc.stderr
        return proc.stdout

    def scraped() -> float:
        families = text_string_to_metric_families(run(SCRAPE))
        [value] = [
            s.value for f in families if f.name == "forecast_interval_coverage_ratio" for s in f.samples
        ]
        return value

    run(WORKER, "0.91")
    run(WORKER, "0.62")
    assert scraped() == pytest.approx(0.62)
    run(WORKER, "0.75")
    assert scraped() == pytest.approx(0.75)


async def test_metrics_still_answer_when_the_quality_cannot_be_read(prediction_api: Api, monkeypatch) -> None:
    client, _ = prediction_api

    async def unreachable(*args, **kwargs):
        raise ConnectionRefusedError("the replica is down")

    monkeypatch.setattr("services.prediction.store.served_forecasts.quality", unreachable)
    response = await client.get("/metrics")
    assert response.status_code == 200 and "dependency_up" in response.text
