"""Concurrent moves of one trade cannot both win: one succeeds, the other gets a 409."""

from __future__ import annotations

import asyncio

import pytest

from tests.transaction.conftest import Api
from tests.transaction.support import API, User, open_trade, published

pytestmark = pytest.mark.integration


async def test_concurrent_confirm_and_cancel_one_wins(
    trade_api: Api, farm: str, farmer: User, buyer: User
) -> None:
    client, app = trade_api
    for _ in range(5):
        trade = await open_trade(client, buyer, farm)
        url = f"{API}/{trade['id']}"
        confirm, cancel = await asyncio.gather(
            client.post(f"{url}/confirm", headers=farmer.headers),
            client.post(f"{url}/cancel", json={"reason": "too slow"}, headers=buyer.headers),
        )
        codes = sorted([confirm.status_code, cancel.status_code])
        assert codes == [200, 409], (confirm.text, cancel.text)
        winner = confirm if confirm.status_code == 200 else cancel
        loser = cancel if winner is confirm else confirm
        final = (await client.get(url, headers=buyer.headers)).json()["status"]
        assert final == winner.json()["status"] == loser.json()["current_status"]
        events = await published(app, "transaction.confirmed", trade["id"])
        events += await published(app, "transaction.cancelled", trade["id"])
        assert [e.data["status"] for e in events] == [final]


async def test_concurrent_confirms_one_wins(trade_api: Api, farm: str, farmer: User, buyer: User) -> None:
    client, app = trade_api
    trade = await open_trade(client, buyer, farm)
    responses = await asyncio.gather(
        *(client.post(f"{API}/{trade['id']}/confirm", headers=farmer.headers) for _ in range(4))
    )
    assert sorted(r.status_code for r in responses) == [200, 409, 409, 409]
    assert len(await published(app, "transaction.confirmed", trade["id"])) == 1
