"""What the user service does ends the old access tokens in the other services within
seconds: a logout, a reused refresh token and a role change (a demoted farmer can no
longer register a farm). The user and farm services run side by side on the real
PostgreSQL and Redis; the farm service verifies tokens with the user service's keys."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from services.farm.app import create_app as create_farm_app
from services.user.app import create_app as create_user_app
from services.user.cli import grant
from tests.conftest import service_client
from tests.farm.support import farm_body
from tests.user.test_accounts_api import login, signup

pytestmark = pytest.mark.integration
WITHIN = 10.0  # seconds; the promise is about 2 s on an idle machine


class UserServiceKeys:
    """The farm service's view of the user service's JWKS (as over HTTP in production)."""

    def __init__(self, user: httpx.AsyncClient) -> None:
        self.user = user

    async def fetch(self) -> dict[str, Any]:
        return (await self.user.get("/.well-known/jwks.json")).json()


@pytest.fixture
async def platform(
    database_url: str, redis_url: str, tokens: Any
) -> AsyncIterator[tuple[httpx.AsyncClient, httpx.AsyncClient, Any]]:
    async with service_client(
        create_user_app,
        service="user",
        database_url=database_url,
        redis_url=redis_url,
        tokens=tokens,
        jwt_issuer="pamtalk-user-service",
    ) as (user, user_app):
        async with service_client(
            create_farm_app,
            service="farm",
            database_url=database_url,
            redis_url=redis_url,
            tokens=UserServiceKeys(user),  # type: ignore[arg-type]
        ) as (farm, _):
            yield user, farm, user_app


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def refused_by_the_farm_service(farm: httpx.AsyncClient, token: str) -> float:
    started = time.monotonic()
    while (elapsed := time.monotonic() - started) < WITHIN:
        answer = await farm.get("/api/v1/farms?mine=true", headers=bearer(token))
        if answer.status_code == 401:
            assert "revoked" in answer.json()["detail"]
            return elapsed
        assert answer.status_code == 200, answer.text
        await asyncio.sleep(0.05)
    raise AssertionError(f"the farm service still accepts the token after {WITHIN} s")


async def test_after_logout_the_access_token_is_refused_everywhere(platform) -> None:
    user, farm, _ = platform
    account = await signup(user, "farmer")
    pair = (await login(user, account["email"])).json()
    assert (
        await farm.get("/api/v1/farms?mine=true", headers=bearer(pair["access_token"]))
    ).status_code == 200
    assert (await user.post("/api/v1/auth/logout", headers=bearer(pair["access_token"]))).status_code == 204
    await refused_by_the_farm_service(farm, pair["access_token"])
    assert (await user.get("/api/v1/users/me", headers=bearer(pair["access_token"]))).status_code == 401
    # Another login of the same account is untouched.
    other = (await login(user, account["email"])).json()
    assert (
        await farm.get("/api/v1/farms?mine=true", headers=bearer(other["access_token"]))
    ).status_code == 200


async def test_a_reused_refresh_token_ends_the_sessions_access_tokens_too(platform) -> None:
    user, farm, _ = platform
    account = await signup(user, "farmer")
    first = (await login(user, account["email"])).json()
    rotated = (await user.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})).json()
    reused = await user.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert reused.status_code == 401 and reused.json()["type"].endswith("refresh-token-reused")
    for token in (first["access_token"], rotated["access_token"]):
        await refused_by_the_farm_service(farm, token)


async def test_a_demoted_farmer_can_no_longer_register_a_farm(platform) -> None:
    user, farm, user_app = platform
    farmer, admin = await signup(user, "farmer"), await signup(user)
    assert await grant(user_app.state.runtime.db, admin["email"], "admin")
    farmer_token = (await login(user, farmer["email"])).json()["access_token"]
    admin_token = (await login(user, admin["email"])).json()["access_token"]
    demoted = await user.put(
        f"/api/v1/users/{farmer['id']}/role", json={"role": "consumer"}, headers=bearer(admin_token)
    )
    assert demoted.status_code == 200 and demoted.json()["role"] == "consumer"
    await refused_by_the_farm_service(farm, farmer_token)
    written = await farm.post("/api/v1/farms", json=farm_body(), headers=bearer(farmer_token))
    assert written.status_code == 401
    # Logging in again gives a token with the role as it is now.
    fresh = (await login(user, farmer["email"])).json()["access_token"]
    assert (await farm.post("/api/v1/farms", json=farm_body(), headers=bearer(fresh))).status_code == 403
