"""The demand forecast endpoint: answers, validation, the Redis cache and HTTP validators,
history from the platform's daily demand, and readiness waiting for the models."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from pamtalk.db.statements import sql
from services.prediction.app import create_app
from services.prediction.forecasts import today
from services.prediction.ml.runtime import ForecastRequest, get_runtime
from tests.conftest import service_client
from tests.prediction.support import change, state

pytestmark = pytest.mark.integration
DEMAND = "/api/v1/predictions/demand"


async def test_forecast_for_a_week_by_default(prediction_api) -> None:
    client, _ = prediction_api
    response = await client.get(DEMAND, params={"crop": "Tomatoes", "region": "seoul"})
    assert response.status_code == 200, response.text
    body = response.json()
    start = today()
    assert (body["crop"], body["region"], body["days"], body["start"]) == ("tomatoes", "Seoul", 7, str(start))
    assert [p["date"] for p in body["points"]] == [str(start + timedelta(days=i)) for i in range(7)]
    for point in body["points"]:
        assert 0 <= point["lower"] <= point["demand"] <= point["upper"]
    assert body["total"] == pytest.approx(sum(p["demand"] for p in body["points"]), abs=0.05)
    rt = get_runtime()
    assert body["model_version"] == rt.version and body["data_source"] == "generated"
    assert body["data_window"] == {"start": str(rt.data_window[0]), "end": str(rt.data_window[1])}
    assert body["history_source"] == "generated"
    assert any("GENERATED" in note and "history" in note for note in body["notes"])
    expected = rt.forecast(ForecastRequest("tomatoes", "Seoul", start, 7))
    assert [p["demand"] for p in body["points"]] == [p.demand for p in expected.points]


async def test_province_is_folded_into_its_region_and_28_days_allowed(prediction_api) -> None:
    client, _ = prediction_api
    response = await client.get(DEMAND, params={"crop": "rice", "region": "Jeonnam", "days": 28})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["region"] == "Jeolla" and len(body["points"]) == 28


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"crop": "durian", "region": "Seoul"}, "crop"),
        ({"crop": "rice", "region": "Atlantis"}, "region"),
        ({"crop": "rice", "region": "Seoul", "days": 0}, "days"),
        ({"crop": "rice", "region": "Seoul", "days": 29}, "days"),
        ({"crop": "rice", "region": "Seoul", "days": "week"}, "days"),
        ({"region": "Seoul"}, "crop"),
    ],
)
async def test_bad_queries_are_422_problems(prediction_api, params, field) -> None:
    client, _ = prediction_api
    response = await client.get(DEMAND, params=params)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert field in [e["field"] for e in response.json()["errors"]]


async def test_second_request_is_served_from_the_cache(prediction_api) -> None:
    client, app = prediction_api
    await state(app).cache.invalidate()
    params = {"crop": "cabbage", "region": "Gangwon", "days": 5}
    first = await client.get(DEMAND, params=params)
    calls = state(app).forecasts.stats.calls
    second = await client.get(DEMAND, params=params)
    assert (first.headers["x-cache"], second.headers["x-cache"]) == ("MISS", "HIT")
    assert second.json() == first.json() and state(app).forecasts.stats.calls == calls  # no model call
    assert second.headers["cache-control"] == "public, max-age=300"
    assert second.headers["etag"] == first.headers["etag"]
    again = await client.get(DEMAND, params=params, headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    redis = app.state.runtime.redis
    [key] = [k async for k in redis.scan_iter("cache:forecast:*:cabbage:Gangwon:5:*")]
    assert key.decode().endswith(f":{today()}:{get_runtime().version}")
    assert 3500 < await redis.ttl(key) <= 3600


async def test_platform_history_is_used_once_it_has_28_days(prediction_api) -> None:
    client, app = prediction_api
    await state(app).cache.invalidate()
    start = today()
    history = [900.0 + 10 * (i % 7) for i in range(28)]
    async with app.state.runtime.db.write() as tx:
        await tx.execute(sql("DELETE FROM daily_demand WHERE crop = 'lettuce' AND region = 'Jeju'"))
        await tx.executemany(
            sql("INSERT INTO daily_demand (day, crop, region, quantity) VALUES (:d, 'lettuce', 'Jeju', :q)"),
            [{"d": start - timedelta(days=28 - i), "q": quantity} for i, quantity in enumerate(history)],
        )
    state(app).history_index.forget()  # a backfill: read the first days again
    body = (await client.get(DEMAND, params={"crop": "lettuce", "region": "Jeju"})).json()
    assert body["history_source"] == "platform"
    assert not any("history" in note for note in body["notes"])
    expected = get_runtime().forecast(ForecastRequest("lettuce", "Jeju", start, 7, history))
    assert [p["demand"] for p in body["points"]] == [p.demand for p in expected.points]

    await change(  # 27 days are not enough
        app,
        "DELETE FROM daily_demand WHERE crop = 'lettuce' AND region = 'Jeju' AND day = :d",
        d=start - timedelta(days=28),
    )
    state(app).history_index.forget()
    await state(app).cache.invalidate()
    body = (await client.get(DEMAND, params={"crop": "lettuce", "region": "Jeju"})).json()
    assert body["history_source"] == "generated"


async def test_model_card_summary(prediction_api) -> None:
    client, _ = prediction_api
    body = (await client.get("/api/v1/predictions/model")).json()
    assert body["data_source"] == "generated" and "generated" in body["data_note"]
    assert body["crops"] == ["tomatoes", "cabbage", "rice", "lettuce", "carrots"] and body["max_days"] == 28


async def test_readiness_includes_the_models(prediction_api) -> None:
    client, _ = prediction_api
    response = await client.get("/readyz")
    assert response.status_code == 200 and response.json()["checks"]["models"] == "ok"


async def test_without_models_readiness_fails_and_forecasts_are_503(
    database_url, redis_url, tokens, tmp_path
) -> None:
    async with service_client(
        create_app,
        service="prediction",
        database_url=database_url,
        redis_url=redis_url,
        tokens=tokens,
        model_dir=str(tmp_path),  # no artifacts here
    ) as (client, _):
        ready = await client.get("/readyz")
        assert ready.status_code == 503 and ready.json()["checks"]["models"] != "ok"
        response = await client.get(DEMAND, params={"crop": "rice", "region": "Seoul"})
        assert response.status_code == 503 and response.headers["retry-after"] == "5"
        assert (await client.get("/livez")).status_code == 200


def test_start_is_today_in_korea() -> None:
    assert abs((today() - date.today()).days) <= 1
