"""Events, waiting and inspection helpers of the prediction service tests."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import httpx
from asyncpg import Record
from fastapi import FastAPI

from pamtalk.db.statements import sql
from pamtalk.events.catalogue import TransactionCreated, TransactionSettled
from pamtalk.events.envelope import Envelope, Event
from services.prediction.state import PredictionState, state_of
from tests.waiting import sent

Api = tuple[httpx.AsyncClient, FastAPI]
KST = timezone(timedelta(hours=9))


def state(app: FastAPI) -> PredictionState:
    return state_of(app.state.runtime)


async def rows(app: FastAPI, statement: str, **values: Any) -> list[Record]:
    """What the service's database holds now (read on the primary)."""
    async with app.state.runtime.db.read() as read:
        return await read.fetch(sql(statement), **values)


async def change(app: FastAPI, statement: str, **values: Any) -> None:
    """Change the service's data behind its back (one transaction)."""
    async with app.state.runtime.db.write() as tx:
        await tx.execute(sql(statement), **values)


async def publish(app: FastAPI, event: Event) -> Envelope:
    """Put an event on the bus as another service would (the consumers pick it up)."""
    envelope = Envelope.wrap(event, "test")
    await app.state.runtime.bus.publish(envelope)
    return envelope


async def published(app: FastAPI, event_type: str, **match: Any) -> list[dict[str, Any]]:
    """Bodies of the events of this type the service has published (outbox flushed first)."""
    await app.state.runtime.relay.publish_pending()
    return [e.data for e in sent(app, event_type, **match)]


def trade(
    status: str = "pending",
    *,
    crop: str = "tomatoes",
    quantity: str = "150",
    unit_price: str = "3000",
    quality: float = 80.0,
    delivery_hours: int = 48,
    region: str = "Seoul",
    at: datetime | None = None,
    transaction_id: uuid.UUID | None = None,
) -> dict[str, Any]:
    """The body of a trade event (TradeEvent fields)."""
    when = at or datetime(2026, 11, 20, 12, 0, tzinfo=KST)
    qty, price = Decimal(quantity), Decimal(unit_price)
    return {
        "transaction_id": transaction_id or uuid.uuid4(),
        "farm_id": uuid.uuid4(),
        "producer_id": uuid.uuid4(),
        "buyer_id": uuid.uuid4(),
        "crop": crop,
        "quantity": qty,
        "unit_price": price,
        "total_value": qty * price,
        "quality_score": quality,
        "delivery_hours": delivery_hours,
        "payment_method": "card",
        "region": region,
        "status": status,
        "created_at": when.astimezone(UTC),
        "occurred_at": when.astimezone(UTC),
    }


def created(**kwargs: Any) -> TransactionCreated:
    return TransactionCreated(**trade("pending", **kwargs))


def settled(**kwargs: Any) -> TransactionSettled:
    return TransactionSettled(**trade("settled", **kwargs))


async def platform_history(app: FastAPI, crop: str, region: str, start: date) -> None:
    """28 days of settled demand before ``start`` (a backfill), nothing recorded yet."""
    await change(app, "DELETE FROM daily_demand WHERE crop = :c AND region = :r", c=crop, r=region)
    await change(app, "DELETE FROM served_forecasts WHERE crop = :c", c=crop)
    async with app.state.runtime.db.write() as tx:
        await tx.executemany(
            sql("INSERT INTO daily_demand (day, crop, region, quantity) VALUES (:d, :c, :r, :q)"),
            [
                {"d": start - timedelta(days=28 - i), "c": crop, "r": region, "q": 900 + 10 * i}
                for i in range(28)
            ],
        )
    state(app).history_index.forget()
