"""The farm service: farms, the crops they grow, ESG submissions and the current ESG grade."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from pamtalk.app import ServiceDefinition, create_service_app
from pamtalk.runtime import Shared
from services.farm.api import esg, farms, listing
from services.farm.consumers import QUEUE, esg_scored_consumer
from services.farm.models import outbox
from services.farm.settings import FarmSettings
from services.farm.state import build_state, stop_state

DEFINITION = ServiceDefinition(
    name="farm",
    title="PAM-TALK farm service",
    description="Farms, their crops and certifications, ESG submissions and the current ESG grade.",
    settings_cls=FarmSettings,
    routers=[listing.router, farms.router, esg.router],  # listing first: /crops before /{farm_id}
    outbox=outbox,
    build_state=build_state,
    on_shutdown=[stop_state],
    consumers={QUEUE: esg_scored_consumer},
    openapi_tags=[
        {"name": "farms", "description": "Register, read, edit and list farms"},
        {"name": "esg submissions", "description": "ESG data of a farm and its grade"},
    ],
)


def create_app(shared: Shared | None = None, **overrides: Any) -> FastAPI:
    return create_service_app(DEFINITION, FarmSettings(**overrides), shared)


def __getattr__(name: str) -> Any:  # ``services.farm.app:app`` for uvicorn, built on first use
    if name == "app":
        return create_app()
    raise AttributeError(name)
