"""The notification service: per-user notifications from platform events, their read
state, and a live stream (Server-Sent Events) fanned out across replicas through Redis."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from pamtalk.app import ServiceDefinition, create_service_app
from pamtalk.runtime import Shared
from services.notification import consumers, state
from services.notification.api import notifications, stream
from services.notification.settings import NotificationSettings

DEFINITION = ServiceDefinition(
    name="notification",
    title="PAM-TALK notification service",
    description=(
        "Notifications for trades, ESG assessments, ESG-GOLD tokens and forecasts, in Korean or "
        "English; unread counts; and a live Server-Sent Events stream with Last-Event-ID resume."
    ),
    settings_cls=NotificationSettings,
    routers=[notifications.router, stream.router],
    build_state=state.build_state,
    consumers={consumers.QUEUE: consumers.build},
    on_shutdown=[state.stop],
    openapi_tags=[{"name": "notifications", "description": "My notifications and their live stream"}],
)


def create_app(shared: Shared | None = None, **overrides: Any) -> FastAPI:
    return create_service_app(DEFINITION, NotificationSettings(**overrides), shared)


def __getattr__(name: str) -> Any:  # ``services.notification.app:app`` for uvicorn, built on first use
    if name == "app":
        return create_app()
    raise AttributeError(name)
