"""Opening a trade: the total is computed, the farm must be known, active and offer the
crop, only buyers buy, and bad input is a 422 that writes nothing (the trade is inserted in
the statement that reads its farm: a farm that takes no such trade rolls it back)."""

from __future__ import annotations

import uuid

import pytest

from tests.transaction.conftest import Api
from tests.transaction.support import API, User, add_farm, open_trade, trade_body, trade_count

pytestmark = pytest.mark.integration


async def test_open_trade_computes_the_total_and_snapshots_the_producer(
    trade_api: Api, farm: str, farmer: User, buyer: User
) -> None:
    client, _ = trade_api
    body = trade_body(
        farm, quantity="120.5", unit_price="2500.55", total_value="1"
    )  # total is not ours to send
    response = await client.post(API, json=body, headers=buyer.headers)
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "total_value"
    del body["total_value"]
    response = await client.post(API, json=body, headers=buyer.headers)
    assert response.status_code == 201, response.text
    trade = response.json()
    assert response.headers["location"] == f"{API}/{trade['id']}"
    assert trade["total_value"] == "301316.28"  # 120.5 x 2500.55 = 301316.2775, half-up to the cent
    assert (trade["status"], trade["quality_score"], trade["delivery_hours"]) == ("pending", 80, 48)
    assert trade["producer_id"] == str(farmer.id) and trade["buyer_id"] == str(buyer.id)
    assert trade["location"] == "Jeonnam" and trade["producer_esg_score"] == 72.5
    assert uuid.UUID(trade["id"]).version == 7
    assert (trade["quantity"], trade["unit_price"]) == ("120.500", "2500.55")
    read = await client.get(f"{API}/{trade['id']}", headers=buyer.headers)
    assert read.json() == trade  # what was answered is what is stored


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        ({"quantity": "0"}, "quantity"),
        ({"quantity": "-3"}, "quantity"),
        ({"quantity": "1.0001"}, "quantity"),
        ({"unit_price": "0"}, "unit_price"),
        ({"unit_price": "-100"}, "unit_price"),
        ({"quality_score": 101}, "quality_score"),
        ({"quality_score": -1}, "quality_score"),
        ({"delivery_hours": 0}, "delivery_hours"),
        ({"delivery_hours": 721}, "delivery_hours"),
        ({"crop": "durian"}, "crop"),
        ({"payment_method": "barter"}, "payment_method"),
        ({"location": "  "}, "location"),
        ({"farm_id": "not-a-uuid"}, "farm_id"),
        # Strict types (issue 16, finding 3): an amount is a JSON number or a plain decimal string.
        ({"quantity": "1e3"}, "quantity"),
        ({"quantity": "1E3"}, "quantity"),
        ({"quantity": " 12"}, "quantity"),
        ({"quantity": "+12"}, "quantity"),
        ({"quantity": "NaN"}, "quantity"),
        ({"quantity": True}, "quantity"),
        ({"unit_price": "2.5e3"}, "unit_price"),
        ({"unit_price": "1_000"}, "unit_price"),
        ({"quality_score": "80"}, "quality_score"),
        ({"quality_score": True}, "quality_score"),
        ({"delivery_hours": "48"}, "delivery_hours"),
        ({"delivery_hours": True}, "delivery_hours"),
        ({"location": 5}, "location"),
        ({"farm_id": 5}, "farm_id"),
    ],
)
async def test_bad_input_is_422_with_the_field_and_writes_nothing(
    trade_api: Api, farm: str, buyer: User, patch: dict, field: str
) -> None:
    client, app = trade_api
    response = await client.post(API, json=trade_body(farm, **patch), headers=buyer.headers)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert any(err["field"] == field for err in response.json()["errors"]), response.json()
    assert await trade_count(app, buyer_id=buyer.id) == 0


@pytest.mark.parametrize(
    ("quantity", "unit_price", "stored"),
    [
        (0.1, 2500.55, ("0.100", "2500.55", "250.06")),  # JSON numbers keep their decimal value
        (3, 2500, ("3.000", "2500.00", "7500.00")),  # integers for amounts
        ("0.1", "2500.55", ("0.100", "2500.55", "250.06")),  # plain decimal strings, exact
        (999999.999, 99999999.99, ("999999.999", "99999999.99", "99999999890000.00")),
    ],
)
async def test_amounts_as_json_numbers_or_decimal_strings_are_kept_exactly(
    trade_api: Api, farm: str, buyer: User, quantity: object, unit_price: object, stored: tuple
) -> None:
    client, _ = trade_api
    body = trade_body(farm, quantity=quantity, unit_price=unit_price)
    response = await client.post(API, json=body, headers=buyer.headers)
    assert response.status_code == 201, response.text
    trade = response.json()
    assert (trade["quantity"], trade["unit_price"], trade["total_value"]) == stored


async def test_unknown_farm_says_so_clearly(trade_api: Api, buyer: User) -> None:
    client, app = trade_api
    response = await client.post(API, json=trade_body(uuid.uuid4()), headers=buyer.headers)
    assert response.status_code == 422
    problem = response.json()
    assert problem["type"].endswith("/farm-unknown")
    assert "not known to the marketplace yet" in problem["detail"]
    assert await trade_count(app, buyer_id=buyer.id) == 0


@pytest.mark.parametrize("status", ["inactive", "suspended"])
async def test_inactive_farm_takes_no_trade(trade_api: Api, farmer: User, buyer: User, status: str) -> None:
    client, app = trade_api
    farm_id = await add_farm(app, farmer, status=status)
    response = await client.post(API, json=trade_body(farm_id), headers=buyer.headers)
    assert response.status_code == 422 and response.json()["type"].endswith("/farm-inactive")
    assert status in response.json()["detail"]
    assert await trade_count(app, buyer_id=buyer.id) == 0


async def test_crop_must_be_one_the_farm_offers(trade_api: Api, farm: str, buyer: User) -> None:
    client, app = trade_api
    response = await client.post(API, json=trade_body(farm, crop="carrots"), headers=buyer.headers)
    assert response.status_code == 422
    assert response.json()["type"].endswith("/crop-not-offered")
    assert "rice, tomatoes" in response.json()["detail"]
    assert await trade_count(app, buyer_id=buyer.id) == 0


@pytest.mark.parametrize("role", ["farmer", "committee", "admin"])
async def test_only_consumers_and_companies_buy(trade_api: Api, farm: str, tokens, role: str) -> None:
    client, _ = trade_api
    response = await client.post(API, json=trade_body(farm), headers=tokens.headers(role))
    assert response.status_code == 403


async def test_company_buys_but_not_from_its_own_farm(trade_api: Api, tokens) -> None:
    client, app = trade_api
    company = User(uuid.uuid4(), "company", {})
    company.headers = tokens.headers("company", company.id)
    other_farm = await add_farm(app, User(uuid.uuid4(), "farmer", {}))
    await open_trade(client, company, other_farm)
    own_farm = await add_farm(app, company)  # the read model says this buyer owns it
    response = await client.post(API, json=trade_body(own_farm), headers=company.headers)
    assert response.status_code == 422 and response.json()["type"].endswith("/own-farm")
    assert await trade_count(app, buyer_id=company.id) == 1  # the first one only


async def test_no_token_is_401(trade_api: Api, farm: str) -> None:
    client, _ = trade_api
    assert (await client.post(API, json=trade_body(farm))).status_code == 401
    assert (await client.get(API)).status_code == 401
