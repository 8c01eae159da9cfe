"""A database error in the middle of a write (opening a trade, moving one) is a problem
response and leaves nothing half-written: no trade, no claimed ``Idempotency-Key``, no
outbox row, no change of status; the retry is judged afresh."""

from __future__ import annotations

import uuid

import pytest
from fastapi import FastAPI

from pamtalk.db.statements import sql
from tests.transaction.conftest import Api
from tests.transaction.support import API, User, open_trade, trade_body, trade_count

pytestmark = pytest.mark.integration

NUL = "Jeju \x00 market"  # valid JSON, valid for the schema; PostgreSQL cannot store it


EVENTS_OF_BUYER = sql(
    "SELECT routing_key FROM outbox WHERE envelope->'data'->>'buyer_id' = :buyer_id ORDER BY id"
)
KEYS_OF = sql("SELECT count(*) FROM idempotency_keys WHERE owner_id = :owner_id")


async def _events_of(app: FastAPI, buyer: User) -> list[str]:
    """Types of the outbox rows (published or not) of the buyer's trades, oldest first."""
    async with app.state.runtime.db.read() as read:
        rows = await read.fetch(EVENTS_OF_BUYER, buyer_id=str(buyer.id))
    return [row["routing_key"] for row in rows]


async def _keys_of(app: FastAPI, buyer: User) -> int:
    async with app.state.runtime.db.read() as read:
        count: int = await read.fetchval(KEYS_OF, owner_id=buyer.id)
    return count


async def test_a_database_error_while_opening_leaves_no_trade_no_key_and_no_event(
    trade_api: Api, farm: str, buyer: User
) -> None:
    client, app = trade_api
    headers = {**buyer.headers, "Idempotency-Key": f"order-{uuid.uuid4()}"}
    # The key is claimed, then the trade's insert fails on the location.
    failed = await client.post(API, json=trade_body(farm, location=NUL), headers=headers)
    assert failed.status_code == 422, failed.text
    assert failed.json()["type"].endswith("/invalid-text")
    assert await trade_count(app, buyer_id=buyer.id) == 0
    assert await _keys_of(app, buyer) == 0
    assert await _events_of(app, buyer) == []

    # The same key with another body is not "reused": the failed claim was rolled back.
    retry = await client.post(API, json=trade_body(farm, location="Jeju"), headers=headers)
    assert retry.status_code == 201 and "idempotent-replayed" not in retry.headers
    assert retry.json()["location"] == "Jeju"
    assert await trade_count(app, buyer_id=buyer.id) == 1
    assert await _keys_of(app, buyer) == 1
    assert await _events_of(app, buyer) == ["transaction.created"]


async def test_a_database_error_while_moving_changes_nothing(
    trade_api: Api, farm: str, farmer: User, buyer: User
) -> None:
    client, app = trade_api
    trade = await open_trade(client, buyer, farm)
    url = f"{API}/{trade['id']}"
    failed = await client.post(f"{url}/cancel", json={"reason": NUL}, headers=buyer.headers)
    assert failed.status_code == 422, failed.text
    assert failed.json()["type"].endswith("/invalid-text")
    assert (await client.get(url, headers=buyer.headers)).json() == trade  # still pending, untouched
    assert await _events_of(app, buyer) == ["transaction.created"]

    cancelled = await client.post(f"{url}/cancel", json={"reason": "changed my mind"}, headers=buyer.headers)
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert await _events_of(app, buyer) == ["transaction.created", "transaction.cancelled"]
