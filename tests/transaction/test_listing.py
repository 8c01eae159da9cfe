"""Lists of trades: mine as buyer or producer, a farm's for its owner, filters by crop,
status and time, and keyset pagination without gaps or duplicates."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tests.transaction.conftest import Api
from tests.transaction.support import API, User, add_farm, open_trade, set_clock, user

pytestmark = pytest.mark.integration
T0 = datetime.now(UTC).replace(microsecond=0) - timedelta(days=20)


async def all_pages(client: httpx.AsyncClient, who: User, limit: int, **params: str) -> list[str]:
    ids: list[str] = []
    cursor = None
    while True:
        query = {**params, "limit": str(limit), **({"cursor": cursor} if cursor else {})}
        response = await client.get(API, params=query, headers=who.headers)
        assert response.status_code == 200, response.text
        page = response.json()
        assert len(page["items"]) <= limit
        ids += [t["id"] for t in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            return ids


@pytest.fixture
async def market(trade_api: Api, tokens) -> dict:
    """Two farms of one farmer, two buyers, 13 trades over 13 days (three at the same instant)."""
    client, app = trade_api
    farmer = user(tokens, "farmer")
    buyers = [user(tokens, "consumer"), user(tokens, "company")]
    farms = [await add_farm(app, farmer, crops=["tomatoes", "rice", "cabbage"]) for _ in range(2)]
    trades = []
    try:
        for i in range(13):
            at = T0 + timedelta(days=min(i, 10))  # trades 10, 11 and 12 share one instant
            set_clock(app, at)
            crop = ["tomatoes", "rice", "cabbage"][i % 3]
            trade = await open_trade(client, buyers[i % 2], farms[i % 2], crop=crop, quantity=str(i + 1))
            trades.append({**trade, "at": at})
    finally:
        set_clock(app, None)
    for trade in trades[:4]:
        await client.post(f"{API}/{trade['id']}/confirm", headers=farmer.headers)
    return {"farmer": farmer, "buyers": buyers, "farms": farms, "trades": trades}


def newest_first(trades: list[dict]) -> list[str]:
    return [t["id"] for t in sorted(trades, key=lambda t: (t["created_at"], t["id"]), reverse=True)]


async def test_pages_hold_every_trade_once_newest_first(trade_api: Api, market: dict) -> None:
    client, _ = trade_api
    farmer, trades = market["farmer"], market["trades"]
    for limit in (1, 3, 5, 13, 100):
        assert await all_pages(client, farmer, limit) == newest_first(trades)
    buyer = market["buyers"][0]
    assert await all_pages(client, buyer, 4) == newest_first(
        [t for t in trades if t["buyer_id"] == str(buyer.id)]
    )


async def test_filters(trade_api: Api, market: dict) -> None:
    client, _ = trade_api
    farmer, trades = market["farmer"], market["trades"]
    rice = await all_pages(client, farmer, 2, crop="rice")
    assert rice == newest_first([t for t in trades if t["crop"] == "rice"])
    confirmed = await all_pages(client, farmer, 2, status="confirmed")
    assert confirmed == newest_first(trades[:4])
    since, until = T0 + timedelta(days=2), T0 + timedelta(days=6)
    window = await all_pages(client, farmer, 2, **{"from": since.isoformat(), "to": until.isoformat()})
    assert window == newest_first([t for t in trades if since <= t["at"] < until])
    naive = await all_pages(client, farmer, 50, **{"from": since.replace(tzinfo=None).isoformat()})
    assert naive == newest_first([t for t in trades if t["at"] >= since])  # naive times are UTC
    both = await all_pages(client, farmer, 3, crop="tomatoes", status="pending", **{"to": until.isoformat()})
    assert both == newest_first([t for t in trades[4:] if t["crop"] == "tomatoes" and t["at"] < until])


async def test_farm_filter_gives_the_owner_the_farm_and_a_buyer_their_own(
    trade_api: Api, market: dict
) -> None:
    client, _ = trade_api
    farmer, buyers, farms, trades = market["farmer"], market["buyers"], market["farms"], market["trades"]
    first_farm = [t for t in trades if t["farm_id"] == str(farms[0])]
    assert await all_pages(client, farmer, 4, farm_id=str(farms[0])) == newest_first(first_farm)
    # trades alternate buyer and farm together: buyer 0 bought only from farm 0
    assert await all_pages(client, buyers[1], 4, farm_id=str(farms[0])) == []
    assert await all_pages(client, buyers[0], 4, farm_id=str(farms[0])) == newest_first(first_farm)


async def test_admins_list_every_trade_and_any_farms(trade_api: Api, market: dict, admin: User) -> None:
    client, _ = trade_api
    trades, farms = market["trades"], market["farms"]
    first_farm = [t for t in trades if t["farm_id"] == str(farms[0])]
    assert await all_pages(client, admin, 4, farm_id=str(farms[0])) == newest_first(first_farm)
    window = {"from": T0.isoformat(), "to": (T0 + timedelta(days=11)).isoformat()}
    ours = {t["id"] for t in trades}
    every = await all_pages(client, admin, 50, **window)  # other tests' trades too
    assert [trade_id for trade_id in every if trade_id in ours] == newest_first(trades)


@pytest.mark.parametrize(
    "params",
    [
        {"cursor": "not-a-cursor"},
        {"cursor": "WyJ4IiwieSJd"},  # ["x","y"]: the right shape, wrong values
        {"limit": "0"},
        {"limit": "101"},
        {"status": "lost"},
        {"crop": "durian"},
        {"from": "yesterday"},
        {"from": "2026-02-01T00:00:00Z", "to": "2026-01-01T00:00:00Z"},
    ],
)
async def test_bad_list_parameters_are_422(trade_api: Api, buyer: User, params: dict) -> None:
    client, _ = trade_api
    response = await client.get(API, params=params, headers=buyer.headers)
    assert response.status_code == 422, response.text
