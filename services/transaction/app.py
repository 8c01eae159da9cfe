"""The transaction service: trades and their lifecycle, market statistics, and a read model
of farms."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from pamtalk.app import ServiceDefinition, create_service_app
from pamtalk.runtime import Shared
from services.transaction import upkeep
from services.transaction.api import dashboard, trades, transitions
from services.transaction.consumers import QUEUE, transaction_updates
from services.transaction.models import outbox
from services.transaction.settings import TransactionSettings
from services.transaction.state import build_state

DEFINITION = ServiceDefinition(
    name="transaction",
    title="PAM-TALK transaction service",
    description="Trades between buyers and farms, their lifecycle, and the market dashboard.",
    settings_cls=TransactionSettings,
    routers=[trades.router, transitions.router, dashboard.router],
    outbox=outbox,
    build_state=build_state,
    consumers={QUEUE: transaction_updates},
    on_startup=[upkeep.start],
    on_shutdown=[upkeep.stop],
    openapi_tags=[
        {"name": "trades", "description": "Trades and their lifecycle"},
        {"name": "dashboard", "description": "Market figures"},
    ],
    # Its one replica read is the public dashboard, cached 60 s in Redis and at the edge: a
    # trade shows there within a minute whatever the replica holds, so its writes need not
    # record where they reached (pamtalk.db.replica: read-your-writes).
    replica_own_writes=False,
)


def create_app(shared: Shared | None = None, **overrides: Any) -> FastAPI:
    return create_service_app(DEFINITION, TransactionSettings(**overrides), shared)


def __getattr__(name: str) -> Any:  # ``services.transaction.app:app`` for uvicorn, built on first use
    if name == "app":
        return create_app()
    raise AttributeError(name)
