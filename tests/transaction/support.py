"""Helpers of the transaction service tests: parties with tokens, farms put in the read
model through the bus (as the farm service would), and trades opened through the API."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
from asyncpg import Record
from fastapi import FastAPI

from pamtalk.bus.memory import MemoryBus
from pamtalk.db.statements import sql
from pamtalk.events.catalogue import FarmRegistered, FarmSnapshot, FarmUpdated
from pamtalk.events.envelope import Envelope
from pamtalk.runtime import service_state
from services.transaction.state import TransactionState
from tests.conftest import TokenFactory
from tests.waiting import eventually, sent

API = "/api/v1/transactions"


@dataclass
class User:
    id: uuid.UUID
    role: str
    headers: dict[str, str]


def user(tokens: TokenFactory, role: str = "consumer") -> User:
    user_id = uuid.uuid4()
    return User(user_id, role, tokens.headers(role, user_id))


def state_of(app: FastAPI) -> TransactionState:
    return service_state(app.state.runtime, TransactionState)


def set_clock(app: FastAPI, at: datetime | None) -> None:
    state_of(app).clock = (lambda: at) if at is not None else (lambda: datetime.now(UTC))


def farm_snapshot(
    farm_id: uuid.UUID, owner_id: uuid.UUID, event_cls: type[FarmSnapshot] = FarmRegistered, **fields: Any
) -> FarmSnapshot:
    """A farm snapshot as the farm service sends it, with ``fields`` changed."""
    snapshot = {
        "farm_id": farm_id,
        "owner_id": owner_id,
        "name": "Green Valley",
        "region": "Jeonnam",
        "latitude": 34.8,
        "longitude": 126.9,
        "size_ha": 5.0,
        "crops": ["tomatoes", "rice"],
        "certifications": ["organic"],
        "status": "active",
        "wallet_address": "0x" + "ab" * 20,
        "esg_score": 72.5,
        "esg_grade": "Silver",
        "updated_at": datetime.now(UTC),
        **fields,
    }
    return event_cls(**snapshot)


async def publish_farm(app: FastAPI, farm_id: uuid.UUID, owner_id: uuid.UUID, **fields: Any) -> Envelope:
    """Publish a farm snapshot on the app's bus, as the farm service does."""
    envelope = Envelope.wrap(farm_snapshot(farm_id, owner_id, **fields), "farm")
    bus: MemoryBus = app.state.runtime.bus
    await bus.publish(envelope)
    return envelope


FARM = sql("SELECT * FROM farms WHERE farm_id = :farm_id")


async def farm_row(app: FastAPI, farm_id: uuid.UUID) -> Record | None:
    """The farm's row in the read model, every column."""
    async with app.state.runtime.db.read() as read:
        return await read.fetchrow(FARM, farm_id=farm_id)


async def add_farm(app: FastAPI, owner: User, **fields: Any) -> uuid.UUID:
    """A farm in the read model, through the bus and the service's consumer."""
    farm_id = uuid.uuid4()
    await publish_farm(app, farm_id, owner.id, **fields)
    await eventually(lambda: farm_row(app, farm_id))
    return farm_id


async def update_farm(app: FastAPI, farm_id: uuid.UUID, owner: User, **fields: Any) -> None:
    await publish_farm(app, farm_id, owner.id, event_cls=FarmUpdated, **fields)


def trade_body(farm_id: uuid.UUID | str, /, **overrides: Any) -> dict[str, Any]:
    return {
        "farm_id": str(farm_id),
        "crop": "tomatoes",
        "quantity": "120.5",
        "unit_price": "2500",
        "payment_method": "bank_transfer",
        **overrides,
    }


async def open_trade(
    client: httpx.AsyncClient, buyer: User, farm_id: uuid.UUID | str, /, **overrides: Any
) -> dict[str, Any]:
    response = await client.post(API, json=trade_body(farm_id, **overrides), headers=buyer.headers)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


TRADES_OF_BUYER = sql("SELECT count(*) FROM transactions WHERE buyer_id = :buyer_id")


async def trade_count(app: FastAPI, buyer_id: uuid.UUID) -> int:
    """How many trades the buyer has."""
    async with app.state.runtime.db.read() as read:
        count: int = await read.fetchval(TRADES_OF_BUYER, buyer_id=buyer_id)
    return count


async def published(app: FastAPI, type_: str, trade_id: str | None = None) -> list[Envelope]:
    """Events the relay has published (it is run once first), optionally for one trade."""
    await app.state.runtime.relay.publish_pending()
    return sent(app, type_, **({} if trade_id is None else {"transaction_id": trade_id}))


IN_INBOX = sql("SELECT true FROM inbox WHERE event_id = :event_id")


async def handled(app: FastAPI, envelope: Envelope) -> bool:
    """Whether the service's consumer has recorded the event in its inbox."""
    async with app.state.runtime.db.read() as read:
        return bool(await read.fetchval(IN_INBOX, event_id=envelope.event_id))
