"""The micro-batcher: concurrent requests share model calls, results equal the unbatched
ones, one bad request fails nobody else, and every call is timed in the metrics."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import date

import pytest
from prometheus_client import REGISTRY

from services.prediction.batcher import BatcherClosed, MicroBatcher
from services.prediction.ml.crops import CROPS, REGIONS
from services.prediction.ml.runtime import ForecastRequest, get_runtime
from tests.prediction.support import state

START = date(2026, 12, 1)


def _inference_count(model: str) -> float:
    return REGISTRY.get_sample_value("model_inference_seconds_count", {"model": model}) or 0.0


async def test_concurrent_forecasts_share_model_calls_and_equal_unbatched() -> None:
    rt = get_runtime()
    requests = [
        ForecastRequest(c, r, START, 1 + i % 14)
        for i, (c, r) in enumerate((c, r) for c in CROPS for r in REGIONS)
    ] * 2  # 70 requests
    batcher = MicroBatcher(rt.forecast_many, model="test_forecast", max_size=64, max_wait=0.01)
    batcher.start()
    try:
        before = _inference_count("test_forecast")
        results = await asyncio.gather(*(batcher.submit(r) for r in requests))
    finally:
        await batcher.stop()
    assert batcher.stats.calls < len(requests) and batcher.stats.largest == 64
    assert batcher.stats.calls == 2  # 64 + 6
    assert _inference_count("test_forecast") - before == batcher.stats.calls
    for request, result in zip(requests, results, strict=True):
        assert result == rt.forecast(request)  # the same numbers as alone


async def test_one_failing_item_fails_only_itself() -> None:
    def square(items: Sequence[int]) -> list[int]:
        if 13 in items:
            raise ValueError("13 is unlucky")
        return [i * i for i in items]

    batcher = MicroBatcher(square, model="test_square", max_size=8, max_wait=0.01)
    batcher.start()
    try:
        outcomes = await asyncio.gather(*(batcher.submit(i) for i in range(10, 17)), return_exceptions=True)
    finally:
        await batcher.stop()
    assert outcomes[:3] == [100, 121, 144] and outcomes[4:] == [196, 225, 256]
    assert isinstance(outcomes[3], ValueError)


async def test_a_stopped_batcher_refuses_work() -> None:
    batcher = MicroBatcher(lambda items: list(items), model="test_echo")
    batcher.start()
    assert await batcher.submit(1) == 1
    await batcher.stop()
    with pytest.raises(BatcherClosed):
        await batcher.submit(2)


def test_bounds_are_checked() -> None:
    with pytest.raises(ValueError):
        MicroBatcher(lambda items: list(items), model="x", max_size=0)


@pytest.mark.integration
async def test_concurrent_http_requests_are_batched(prediction_api) -> None:
    """28 different forecasts at once (distinct cache keys, so every one reaches the model)."""
    client, app = prediction_api
    await state(app).cache.invalidate()
    batcher = state(app).forecasts
    calls, items = batcher.stats.calls, batcher.stats.items
    responses = await asyncio.gather(
        *(
            client.get("/api/v1/predictions/demand", params={"crop": "carrots", "region": "Seoul", "days": d})
            for d in range(1, 29)
        )
    )
    assert all(r.status_code == 200 and r.headers["x-cache"] == "MISS" for r in responses)
    assert batcher.stats.items - items == 28
    assert batcher.stats.calls - calls < 28
    longest = responses[-1].json()
    for days, response in enumerate(responses, start=1):  # a shorter horizon is a prefix of the longer
        assert response.json()["points"] == longest["points"][:days]
