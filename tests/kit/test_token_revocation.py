"""A revoked access token stops working in every service within seconds, not when it
expires: a session (logout, a reused refresh token) or every token a user held before a
moment (a role change). Against the real Redis."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from fastapi import APIRouter, FastAPI
from redis.asyncio import Redis

from pamtalk.app import ServiceDefinition, create_service_app
from pamtalk.auth.jwks import Principal
from pamtalk.auth.revocation import KEY, RevocationListener, Revocations, revoke_session, revoke_user
from pamtalk.bus.memory import MemoryBus
from pamtalk.deps import CurrentUser
from pamtalk.runtime import Shared
from pamtalk.settings import ServiceSettings

pytestmark = pytest.mark.integration
WITHIN = 10.0  # seconds; the promise is about 2 s on an idle machine

router = APIRouter()


@router.get("/me")
async def me(user: CurrentUser) -> dict[str, str]:
    return {"id": str(user.id)}


def create_app(shared: Shared | None = None, **settings: Any) -> FastAPI:
    definition = ServiceDefinition(
        name="kit", title="kit", description="", settings_cls=ServiceSettings, routers=[router]
    )
    return create_service_app(definition, ServiceSettings(**settings), shared)


@asynccontextmanager
async def kit_service(redis_url: str, tokens: Any) -> AsyncIterator[httpx.AsyncClient]:
    """One process's worth of the kit: an app whose one route needs a valid token."""
    redis = Redis.from_url(redis_url)
    app = create_app(Shared(bus=MemoryBus(), redis=redis, jwks_fetcher=tokens.fetch), env="test")
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield client
    await redis.aclose()


@pytest.fixture
async def two_services(redis_url, tokens):
    """Two processes (two apps, each with its own listener)."""
    redis = Redis.from_url(redis_url)
    await redis.delete(KEY)
    async with kit_service(redis_url, tokens) as first, kit_service(redis_url, tokens) as second:
        yield first, second, redis
    await redis.delete(KEY)
    await redis.aclose()


async def refused_everywhere(clients: tuple[httpx.AsyncClient, ...], headers: dict[str, str]) -> float:
    started = time.monotonic()
    while time.monotonic() - started < WITHIN:
        answers = [(await c.get("/me", headers=headers)).status_code for c in clients]
        if answers == [401] * len(clients):
            return time.monotonic() - started
        await asyncio.sleep(0.05)
    raise AssertionError(f"still accepted after {WITHIN} s: {answers}")


async def test_a_revoked_session_is_refused_everywhere_and_other_sessions_are_not(
    two_services, tokens
) -> None:
    first, second, redis = two_services
    user = uuid.uuid4()
    mine, other = tokens("farmer", user, sid="s-logout"), tokens("farmer", user, sid="s-phone")
    for client in (first, second):
        assert (await client.get("/me", headers={"Authorization": f"Bearer {mine}"})).status_code == 200
    await revoke_session(redis, "s-logout", token_seconds=900)
    await refused_everywhere((first, second), {"Authorization": f"Bearer {mine}"})
    refused = await first.get("/me", headers={"Authorization": f"Bearer {mine}"})
    assert "revoked" in refused.json()["detail"] and refused.headers["www-authenticate"].startswith("Bearer")
    for client in (first, second):  # the same user's other login works on
        assert (await client.get("/me", headers={"Authorization": f"Bearer {other}"})).status_code == 200


async def test_a_role_change_refuses_the_tokens_issued_before_it(two_services, tokens) -> None:
    first, second, redis = two_services
    user = uuid.uuid4()
    earlier = tokens("farmer", user, iat=int(time.time()) - 5)
    await revoke_user(redis, user, token_seconds=900)
    await refused_everywhere((first, second), {"Authorization": f"Bearer {earlier}"})
    later = tokens("consumer", user, iat=int(time.time()) + 2)  # issued after the change
    assert (await first.get("/me", headers={"Authorization": f"Bearer {later}"})).status_code == 200
    someone_else = tokens("farmer", uuid.uuid4(), iat=int(time.time()) - 5)
    assert (await second.get("/me", headers={"Authorization": f"Bearer {someone_else}"})).status_code == 200


async def test_a_process_started_later_knows_earlier_revocations(redis_url) -> None:
    redis = Redis.from_url(redis_url)
    try:
        await revoke_session(redis, "s-before-start", token_seconds=900)
        await revoke_session(redis, "s-long-gone", token_seconds=-1)  # its tokens expired already
        revocations = Revocations()
        await RevocationListener(redis, revocations).load()
        principal = Principal(id=uuid.uuid4(), role="farmer", session_id="s-before-start")
        assert revocations.refuses(principal)
        assert "s-long-gone" not in revocations.sessions
    finally:
        await redis.delete(KEY)
        await redis.aclose()


def test_revocations_are_kept_only_while_they_matter() -> None:
    revocations = Revocations()
    user = uuid.uuid4()
    revocations.add(f"s|abc|{time.time() + 100:.0f}")
    revocations.add(f"u|{user}|{time.time():.3f}|{time.time() - 1:.0f}")
    revocations.add("x|a newer shape|1")  # ignored
    revocations.forget_expired(time.time())
    assert set(revocations.sessions) == {"abc"} and not revocations.users
