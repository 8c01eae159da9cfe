"""The market dashboard, on a database of its own so its numbers are known exactly: totals
overall and by crop, the last 7 days, mean ESG of settled trades, farms by size; cached
60 s in Redis and revalidated by ETag."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from services.transaction.app import create_app
from tests.conftest import TokenFactory, service_client
from tests.transaction.conftest import Api
from tests.transaction.support import API, add_farm, open_trade, set_clock, state_of, user

pytestmark = pytest.mark.integration
DASHBOARD = "/api/v1/dashboard"
NOW = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0)


@pytest.fixture
async def dashboard_api(fresh_database: str, redis_url: str, tokens: TokenFactory) -> AsyncIterator[Api]:
    async with service_client(
        create_app, service="transaction", database_url=fresh_database, redis_url=redis_url, tokens=tokens
    ) as (client, app):
        await state_of(app).dashboard.invalidate()
        yield client, app


async def test_dashboard_numbers_for_a_known_market(dashboard_api: Api, tokens: TokenFactory) -> None:
    client, app = dashboard_api
    farmer, buyer = user(tokens, "farmer"), user(tokens, "consumer")
    green = await add_farm(app, farmer, size_ha=5, crops=["tomatoes", "rice"], esg_score=80.0)
    hill = await add_farm(app, farmer, size_ha=10, crops=["cabbage"], esg_score=61.0)
    for size in (9.99, 49.9, 50, 120):
        await add_farm(app, farmer, size_ha=size)
    await add_farm(app, farmer, size_ha=300, status="inactive")  # not counted

    plan = [  # (days ago, farm, crop, quantity, unit price, end state)
        (0, green, "tomatoes", "10", "1000", "settled"),  # 10,000
        (0, green, "tomatoes", "5", "1000", "pending"),  # 5,000
        (1, green, "rice", "2", "2500.50", "confirmed"),  # 5,001
        (6, hill, "cabbage", "4", "1500", "settled"),  # 6,000
        (6, hill, "cabbage", "1", "999", "cancelled"),  # left out
        (8, green, "tomatoes", "3", "1000", "pending"),  # 3,000, older than 7 days
    ]
    try:
        for days_ago, farm_id, crop, quantity, price, end in plan:
            set_clock(app, NOW - timedelta(days=days_ago))
            trade = await open_trade(client, buyer, farm_id, crop=crop, quantity=quantity, unit_price=price)
            url = f"{API}/{trade['id']}"
            if end in ("confirmed", "settled"):
                assert (await client.post(f"{url}/confirm", headers=farmer.headers)).status_code == 200
            if end == "settled":
                assert (await client.post(f"{url}/settle", headers=buyer.headers)).status_code == 200
            if end == "cancelled":
                cancel = await client.post(f"{url}/cancel", json={"reason": "x"}, headers=buyer.headers)
                assert cancel.status_code == 200
        set_clock(app, NOW)
        response = await client.get(DASHBOARD)
    finally:
        set_clock(app, None)
    assert response.status_code == 200 and response.headers["x-cache"] == "MISS"
    board = response.json()
    assert board["trades"] == {"count": 5, "value": "29001.00"}
    assert board["by_status"] == {"pending": 2, "confirmed": 1, "settled": 2, "cancelled": 1}
    assert board["by_crop"] == [
        {"crop": "cabbage", "count": 1, "value": "6000.00"},
        {"crop": "rice", "count": 1, "value": "5001.00"},
        {"crop": "tomatoes", "count": 3, "value": "18000.00"},
    ]
    days = board["last_7_days"]
    assert [d["day"] for d in days] == [
        (NOW - timedelta(days=n)).date().isoformat() for n in range(6, -1, -1)
    ]
    assert [(d["count"], d["value"]) for d in days] == [
        (1, "6000.00"),
        (0, "0.00"),
        (0, "0.00"),
        (0, "0.00"),
        (0, "0.00"),
        (1, "5001.00"),
        (2, "15000.00"),
    ]
    assert board["average_esg_settled"] == 70.5  # (80 + 61) / 2
    assert board["farms_by_size"] == {"small": 2, "medium": 2, "large": 2}


async def test_dashboard_is_cached_60s_with_an_etag(dashboard_api: Api, tokens: TokenFactory) -> None:
    client, app = dashboard_api
    first = await client.get(DASHBOARD)
    assert first.headers["x-cache"] == "MISS"
    assert first.headers["cache-control"] == "public, max-age=60"
    second = await client.get(DASHBOARD)
    assert second.headers["x-cache"] == "HIT" and second.headers["etag"] == first.headers["etag"]
    assert second.content == first.content
    not_modified = await client.get(DASHBOARD, headers={"If-None-Match": first.headers["etag"]})
    assert not_modified.status_code == 304 and not not_modified.content
    ttls = [
        await app.state.runtime.redis.ttl(k)
        async for k in app.state.runtime.redis.scan_iter("cache:transaction:dashboard:*:v1")
    ]
    assert ttls and all(0 < ttl <= 60 for ttl in ttls)

    farmer, buyer = user(tokens, "farmer"), user(tokens, "company")
    await open_trade(client, buyer, await add_farm(app, farmer))
    cached = await client.get(DASHBOARD)
    assert cached.json() == first.json()  # within the 60 s the cached figures stand
    await state_of(app).dashboard.invalidate()  # what the TTL's end does
    fresh = await client.get(DASHBOARD)
    assert fresh.headers["x-cache"] == "MISS" and fresh.headers["etag"] != first.headers["etag"]
    assert fresh.json()["trades"]["count"] == first.json()["trades"]["count"] + 1
