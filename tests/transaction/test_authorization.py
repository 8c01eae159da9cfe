"""Only the two parties (and admins) see a trade; a third user cannot tell it exists, nor
confirm, settle, cancel or review it."""

from __future__ import annotations

import uuid

import pytest

from tests.transaction.conftest import Api
from tests.transaction.support import API, User, open_trade, user

pytestmark = pytest.mark.integration


async def test_third_user_cannot_read_confirm_settle_or_cancel(
    trade_api: Api, farm: str, farmer: User, buyer: User, stranger: User, tokens
) -> None:
    client, _ = trade_api
    trade = await open_trade(client, buyer, farm)
    url = f"{API}/{trade['id']}"
    other_farmer = user(tokens, "farmer")
    for intruder in (stranger, other_farmer, user(tokens, "company"), user(tokens, "committee")):
        read = await client.get(url, headers=intruder.headers)
        assert read.status_code == 404 and read.json()["type"].endswith("/transaction-not-found")
        for verb, body in [("confirm", None), ("settle", None), ("cancel", {"reason": "mine now"})]:
            response = await client.post(f"{url}/{verb}", json=body, headers=intruder.headers)
            assert response.status_code == 404, (verb, response.text)
        review = await client.post(f"{url}/review", json={"decision": "cancel"}, headers=intruder.headers)
        assert review.status_code == 403
        listed = await client.get(API, headers=intruder.headers)
        assert trade["id"] not in [t["id"] for t in listed.json()["items"]]
        by_farm = await client.get(API, params={"farm_id": farm}, headers=intruder.headers)
        assert by_farm.json()["items"] == []
    assert (await client.get(url, headers=buyer.headers)).json()["status"] == "pending"


async def test_parties_and_admins_read_it(
    trade_api: Api, farm: str, farmer: User, buyer: User, admin: User
) -> None:
    client, _ = trade_api
    trade = await open_trade(client, buyer, farm)
    for who in (buyer, farmer, admin):
        response = await client.get(f"{API}/{trade['id']}", headers=who.headers)
        assert response.status_code == 200 and response.json()["id"] == trade["id"]
    # an admin reads but does not act for a party
    assert (await client.post(f"{API}/{trade['id']}/confirm", headers=admin.headers)).status_code == 403


@pytest.mark.parametrize(
    "trade_id",
    [
        str(uuid.uuid4()),  # not a UUIDv7: never one of ours
        "ffffffff-ffff-7fff-bfff-ffffffffffff",  # a UUIDv7 whose time is past year 9999
        "00000000-0000-7000-8000-000000000000",  # 1970: no such trade
    ],
)
async def test_unknown_ids_are_404(trade_api: Api, buyer: User, trade_id: str) -> None:
    client, _ = trade_api
    assert (await client.get(f"{API}/{trade_id}", headers=buyer.headers)).status_code == 404
    confirm = await client.post(f"{API}/{trade_id}/confirm", headers=buyer.headers)
    assert confirm.status_code == 404
