"""Helpers for the notification tests: event bodies, driving the consumer, waiting, and a
small Server-Sent Events reader over a real HTTP connection."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, Literal

import httpx
from fastapi import FastAPI

from pamtalk.events.catalogue import (
    PredictionCompleted,
    TradeEvent,
    TransactionCancelled,
    TransactionConfirmed,
    TransactionCreated,
    TransactionSettled,
    UserRegistered,
)
from pamtalk.events.envelope import Envelope, Event
from tests.waiting import eventually

TRADES: dict[str, type[TradeEvent]] = {
    "created": TransactionCreated,
    "confirmed": TransactionConfirmed,
    "settled": TransactionSettled,
    "cancelled": TransactionCancelled,
}


def trade(stage: str, producer: uuid.UUID, buyer: uuid.UUID, **extra: Any) -> TradeEvent:
    now = datetime.now(UTC)
    status = {"created": "pending"}.get(stage, stage)
    body: dict[str, Any] = {
        "transaction_id": uuid.uuid4(),
        "farm_id": uuid.uuid4(),
        "producer_id": producer,
        "buyer_id": buyer,
        "crop": "tomatoes",
        "quantity": Decimal("120"),
        "unit_price": Decimal("10287.5"),
        "total_value": Decimal("1234500"),
        "quality_score": 80.0,
        "delivery_hours": 48,
        "payment_method": "card",
        "region": "Jeonju",
        "status": status,
        "created_at": now,
        "occurred_at": now,
        **extra,
    }
    return TRADES[stage](**body)


def registered(user_id: uuid.UUID, language: str = "ko", name: str = "Kim") -> UserRegistered:
    return UserRegistered(
        user_id=user_id,
        email=f"{user_id.hex[:8]}@example.com",
        display_name=name,
        role="farmer",
        language=language,
    )


def forecast(user_id: uuid.UUID, status: Literal["succeeded", "failed"] = "succeeded") -> PredictionCompleted:
    return PredictionCompleted(
        job_id=uuid.uuid4(), requested_by=user_id, status=status, result_url="/api/v1/predictions/jobs/1"
    )


def valid_until() -> date:
    return date(2027, 5, 3)


async def publish(app: FastAPI, event: Event | Envelope, **envelope_fields: Any) -> Envelope:
    envelope = event if isinstance(event, Envelope) else Envelope.wrap(event, "test")
    if envelope_fields:
        envelope = envelope.model_copy(update=envelope_fields)
    await app.state.runtime.bus.publish(envelope)
    return envelope


async def mine(client: httpx.AsyncClient, headers: dict[str, str], **params: Any) -> list[dict[str, Any]]:
    response = await client.get("/api/v1/notifications", headers=headers, params={"limit": 100, **params})
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def wait_for_count(
    client: httpx.AsyncClient, headers: dict[str, str], count: int
) -> list[dict[str, Any]]:
    return await eventually(lambda: mine(client, headers), lambda items: len(items) >= count)


@dataclass
class SseBlock:
    """One block of an event stream (up to a blank line)."""

    id: str = ""
    event: str | None = None
    data: str = ""
    retry: int | None = None
    comments: list[str] = field(default_factory=list)


class SseReader:
    def __init__(self, response: httpx.Response) -> None:
        self.response = response
        self._lines = response.aiter_lines()

    async def next(self, within: float = 5.0) -> SseBlock:
        return await asyncio.wait_for(self._next(), within)

    async def _next(self) -> SseBlock:
        block, seen = SseBlock(), False
        async for line in self._lines:
            if line == "":
                if seen:
                    return block
                continue
            seen = True
            name, _, value = line.partition(":")
            value = value.removeprefix(" ")
            if name == "":
                block.comments.append(value)
            elif name == "data":
                block.data = f"{block.data}\n{value}" if block.data else value
            elif name == "id":
                block.id = value
            elif name == "event":
                block.event = value
            elif name == "retry":
                block.retry = int(value)
        raise EOFError("the stream ended")

    async def next_event(self, within: float = 5.0) -> SseBlock:
        """The next block that carries an event (skips heartbeats), within ``within`` seconds."""

        async def skip_comments() -> SseBlock:
            while (block := await self._next()).event is None:
                pass
            return block

        return await asyncio.wait_for(skip_comments(), within)


@asynccontextmanager
async def open_stream(
    base_url: str, headers: dict[str, str] | None = None, **params: Any
) -> AsyncIterator[SseReader]:
    """Connect to the stream and read up to its opening block (subscribed from then on)."""
    timeout = httpx.Timeout(10.0, read=10.0)
    async with (
        httpx.AsyncClient(base_url=base_url, timeout=timeout) as client,
        client.stream("GET", "/api/v1/notifications/stream", headers=headers, params=params) as response,
    ):
        assert response.status_code == 200, await response.aread()
        reader = SseReader(response)
        yield reader
