"""Helpers of the blockchain service tests: parties with tokens, settled trades and ESG
assessments published on the service's bus (as the other services do), waiting, and the
partner's verifier run as a process."""

from __future__ import annotations

import asyncio
import socket
import sys
import uuid
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI

from pamtalk.bus.memory import MemoryBus
from pamtalk.events.catalogue import EsgScored, TransactionSettled
from pamtalk.events.envelope import Envelope, Event
from pamtalk.runtime import service_state
from services.blockchain.app import create_app
from services.blockchain.state import BlockchainState
from tests.conftest import TokenFactory, service_client
from tests.waiting import eventually, sent

Api = tuple[httpx.AsyncClient, FastAPI]


def ledger_service(
    database_url: str, redis_url: str, tokens: TokenFactory, **settings: Any
) -> AbstractAsyncContextManager[Api]:
    """The blockchain service in-process on these stores (``service_client``), with ``settings``."""
    return service_client(
        create_app,
        service="blockchain",
        database_url=database_url,
        redis_url=redis_url,
        tokens=tokens,
        **settings,
    )


ROOT = Path(__file__).parents[2]
LEDGER = "/api/v1/ledger"
WALLETS = "/api/v1/wallets"
DC = 1_000_000


@dataclass
class User:
    id: uuid.UUID
    role: str
    headers: dict[str, str]

    @property
    def wallet(self) -> str:
        return f"user:{self.id}"


def user(tokens: TokenFactory, role: str = "consumer") -> User:
    user_id = uuid.uuid4()
    return User(user_id, role, tokens.headers(role, user_id))


async def published(app: FastAPI, event_type: str, **data: Any) -> list[Envelope]:
    """The events of that type with these data values the service has published, once there
    is one (the relay publishes after the commit, on its own task, a moment later)."""

    async def found() -> list[Envelope]:
        return sent(app, event_type, **data)

    found_events: list[Envelope] = await eventually(found)
    return found_events


def state_of(app: FastAPI) -> BlockchainState:
    return service_state(app.state.runtime, BlockchainState)


def settled(
    producer_id: uuid.UUID,
    value: Decimal | int,
    esg: float | None = 80.0,
    wallet: str | None = None,
    **fields: Any,
) -> TransactionSettled:
    now = datetime.now(UTC)
    body: dict[str, Any] = {
        "transaction_id": uuid.uuid4(),
        "farm_id": uuid.uuid4(),
        "producer_id": producer_id,
        "buyer_id": uuid.uuid4(),
        "crop": "tomatoes",
        "quantity": Decimal(250),
        "unit_price": Decimal(value) / 250,
        "total_value": Decimal(value),
        "quality_score": 80.0,
        "delivery_hours": 48,
        "payment_method": "card",
        "region": "Jeonnam",
        "producer_esg_score": esg,
        "producer_wallet": wallet,
        "status": "settled",
        "created_at": now,
        "occurred_at": now,
        **fields,
    }
    return TransactionSettled(**body)


def scored(owner_id: uuid.UUID, token_estimate: int = 1200, **fields: Any) -> EsgScored:
    body: dict[str, Any] = {
        "assessment_id": uuid.uuid4(),
        "submission_id": uuid.uuid4(),
        "farm_id": uuid.uuid4(),
        "owner_id": owner_id,
        "environmental": 81.5,
        "social": 77.25,
        "governance": 90.0,
        "overall": 82.3,
        "grade": "Gold",
        "token_estimate": token_estimate,
        "valid_until": date(2027, 6, 30),
        **fields,
    }
    return EsgScored(**body)


async def publish(app: FastAPI, event: Event | Envelope) -> Envelope:
    envelope = event if isinstance(event, Envelope) else Envelope.wrap(event, "test")
    bus: MemoryBus = app.state.runtime.bus
    await bus.publish(envelope)
    return envelope


async def entries_for(client: httpx.AsyncClient, reference: str) -> list[dict[str, Any]]:
    response = await client.get(f"{LEDGER}/entries", params={"reference": reference})
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def recorded(client: httpx.AsyncClient, reference: str) -> dict[str, Any]:
    """Wait until the entry ``reference`` is in the ledger; returns it."""

    async def probe() -> dict[str, Any] | None:
        items = await entries_for(client, reference)
        return items[0] if items else None

    found = await eventually(probe)
    assert found is not None
    return found


async def settle(client: httpx.AsyncClient, app: FastAPI, event: TransactionSettled) -> dict[str, Any]:
    """Publish a settled trade and wait for its ledger entry."""
    await publish(app, event)
    return await recorded(client, f"trade:{event.transaction_id}")


async def balance(client: httpx.AsyncClient, address: str) -> int:
    response = await client.get(f"{WALLETS}/{address}")
    if response.status_code == 404:
        return 0
    assert response.status_code == 200, response.text
    value: int = response.json()["balance_micro"]
    return value


async def fund(client: httpx.AsyncClient, app: FastAPI, owner: User, dc: int) -> None:
    """Give ``owner`` about ``dc`` DC through settled trades (ESG 0: 1 DC per 1,000 won)."""
    await settle(client, app, settled(owner.id, dc * 1000, esg=0))


@asynccontextmanager
async def serve(app: FastAPI) -> AsyncIterator[str]:
    """Serve an app whose lifespan already runs (``service_client``) over real HTTP on this
    event loop, for a subprocess (the partner's verifier) to call."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(app, lifespan="off", log_config=None, access_log=False)
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        await task
        sock.close()


async def verify(*args: str) -> tuple[int, str]:
    """Run the partner's verifier (``python -m services.blockchain.ledger.verify``) as a
    process of its own; its exit code and output."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "services.blockchain.ledger.verify",
        *args,
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await asyncio.wait_for(process.communicate(), timeout=60)
    return process.returncode or 0, out.decode()
