"""The user service: accounts, roles, credentials, sessions and signing keys."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from pamtalk.app import ServiceDefinition, create_service_app
from pamtalk.metrics import ACTIVE_USERS
from pamtalk.runtime import Runtime, Shared, service_state
from services.user.api import auth, users
from services.user.models import outbox
from services.user.settings import UserSettings
from services.user.state import UserState, build_state


async def _refresh_active_users(runtime: Runtime) -> None:
    sessions = service_state(runtime, UserState).sessions
    ACTIVE_USERS.labels("user").set(await sessions.active_users())


DEFINITION = ServiceDefinition(
    name="user",
    title="PAM-TALK user service",
    description="Accounts, roles, login sessions and the keys that sign access tokens.",
    settings_cls=UserSettings,
    routers=[auth.router, auth.jwks_router, users.router],
    outbox=outbox,
    build_state=build_state,
    metrics_refresh=_refresh_active_users,
)


def create_app(shared: Shared | None = None, **overrides: Any) -> FastAPI:
    return create_service_app(DEFINITION, UserSettings(**overrides), shared)


def __getattr__(name: str) -> Any:  # ``services.user.app:app`` for uvicorn, built on first use
    if name == "app":
        return create_app()
    raise AttributeError(name)
