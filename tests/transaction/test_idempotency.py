"""``Idempotency-Key`` on trade creation: a retry returns the first response and creates
nothing; the same key with another body is a 422; concurrent duplicates make one trade."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from tests.transaction.conftest import Api
from tests.transaction.support import (
    API,
    User,
    add_farm,
    eventually,
    farm_row,
    publish_farm,
    published,
    set_clock,
    trade_body,
    trade_count,
)

pytestmark = pytest.mark.integration


def key() -> dict[str, str]:
    return {"Idempotency-Key": f"order-{uuid.uuid4()}"}


async def test_retry_with_the_same_key_returns_the_first_response(
    trade_api: Api, farm: str, farmer: User, buyer: User
) -> None:
    client, app = trade_api
    headers = {**buyer.headers, **key()}
    first = await client.post(API, json=trade_body(farm), headers=headers)
    assert first.status_code == 201 and "idempotent-replayed" not in first.headers
    await client.post(f"{API}/{first.json()['id']}/confirm", headers=farmer.headers)  # the trade moves on
    # the same body, written differently (key order, number formats, an explicit default)
    same = {**trade_body(farm), "quantity": 120.5, "unit_price": "2500.00", "quality_score": 80}
    again = await client.post(API, json=dict(reversed(list(same.items()))), headers=headers)
    assert again.status_code == 201 and again.headers["idempotent-replayed"] == "true"
    assert again.json() == first.json()  # the first response, status pending and all
    assert again.headers["location"] == first.headers["location"]
    assert await trade_count(app, buyer_id=buyer.id) == 1
    assert (
        len([e for e in await published(app, "transaction.created") if e.data["buyer_id"] == str(buyer.id)])
        == 1
    )


async def test_same_key_with_another_body_is_422(trade_api: Api, farm: str, buyer: User) -> None:
    client, app = trade_api
    headers = {**buyer.headers, **key()}
    assert (await client.post(API, json=trade_body(farm), headers=headers)).status_code == 201
    other = await client.post(API, json=trade_body(farm, quantity="999"), headers=headers)
    assert other.status_code == 422 and other.json()["type"].endswith("/idempotency-key-reused")
    assert await trade_count(app, buyer_id=buyer.id) == 1


async def test_concurrent_duplicates_make_one_trade(trade_api: Api, farm: str, buyer: User) -> None:
    client, app = trade_api
    headers = {**buyer.headers, **key()}
    responses = await asyncio.gather(
        *(client.post(API, json=trade_body(farm), headers=headers) for _ in range(6))
    )
    assert {r.status_code for r in responses} == {201}
    assert len({r.json()["id"] for r in responses}) == 1
    assert sum(r.headers.get("idempotent-replayed") == "true" for r in responses) == 5
    assert await trade_count(app, buyer_id=buyer.id) == 1


async def test_keys_belong_to_their_user(trade_api: Api, farm: str, buyer: User, stranger: User) -> None:
    client, _ = trade_api
    shared_key = key()
    mine = await client.post(API, json=trade_body(farm), headers={**buyer.headers, **shared_key})
    theirs = await client.post(API, json=trade_body(farm), headers={**stranger.headers, **shared_key})
    assert mine.status_code == theirs.status_code == 201
    assert mine.json()["id"] != theirs.json()["id"]


async def test_a_failed_request_does_not_burn_the_key(trade_api: Api, farmer: User, buyer: User) -> None:
    client, app = trade_api
    headers = {**buyer.headers, **key()}
    farm_id = uuid.uuid4()
    early = await client.post(API, json=trade_body(farm_id), headers=headers)
    assert early.status_code == 422 and early.json()["type"].endswith("/farm-unknown")
    await publish_farm(app, farm_id, farmer.id)  # the farm arrives; the client retries
    await eventually(lambda: farm_row(app, farm_id))
    retried = await client.post(API, json=trade_body(farm_id), headers=headers)
    assert retried.status_code == 201 and "idempotent-replayed" not in retried.headers


async def test_a_key_expires_after_24_hours(trade_api: Api, farm: str, buyer: User) -> None:
    client, app = trade_api
    headers = {**buyer.headers, **key()}
    first = await client.post(API, json=trade_body(farm), headers=headers)
    set_clock(app, datetime.now(UTC) + timedelta(hours=25))
    try:
        later = await client.post(API, json=trade_body(farm, quantity="3"), headers=headers)
    finally:
        set_clock(app, None)
    assert later.status_code == 201 and later.json()["id"] != first.json()["id"]


@pytest.mark.parametrize("bad", [b"", b"x" * 256, "ключ".encode(), b"two words"])
async def test_malformed_keys_are_422(trade_api: Api, farm: str, buyer: User, bad: bytes) -> None:
    client, app = trade_api
    response = await client.post(
        API,
        json=trade_body(farm),
        headers=[*((k.encode(), v.encode()) for k, v in buyer.headers.items()), (b"Idempotency-Key", bad)],
    )
    assert response.status_code == 422
    assert await trade_count(app, buyer_id=buyer.id) == 0


async def test_another_farm_id_is_another_body(trade_api: Api, farm: str, farmer: User, buyer: User) -> None:
    client, app = trade_api
    second_farm = await add_farm(app, farmer)
    headers = {**buyer.headers, **key()}
    assert (await client.post(API, json=trade_body(farm), headers=headers)).status_code == 201
    assert (await client.post(API, json=trade_body(second_farm), headers=headers)).status_code == 422
