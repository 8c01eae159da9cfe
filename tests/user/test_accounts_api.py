"""The user service against the real PostgreSQL and Redis: sign-up, login, refresh
rotation, logout, profile, wallet and role grants."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from pamtalk.bus.memory import MemoryBus
from services.user.app import create_app
from services.user.cli import grant
from tests.conftest import service_client

pytestmark = pytest.mark.integration


def user_service(
    database_url: str, redis_url: str, tokens: Any, **settings: Any
) -> AbstractAsyncContextManager[tuple[httpx.AsyncClient, FastAPI]]:
    """The user service in-process against the real PostgreSQL and Redis."""
    return service_client(
        create_app,
        service="user",
        database_url=database_url,
        redis_url=redis_url,
        tokens=tokens,
        jwt_issuer="pamtalk-user-service",
        outbox_poll_seconds=0.05,
        **settings,
    )


@pytest.fixture
async def user_api(
    database_url: str, redis_url: str, tokens
) -> AsyncIterator[tuple[httpx.AsyncClient, FastAPI]]:
    async with user_service(database_url, redis_url, tokens) as pair:
        yield pair


def new_email() -> str:
    return f"user-{uuid.uuid4().hex[:10]}@Example.com"


async def signup(client: httpx.AsyncClient, role: str = "consumer", email: str | None = None) -> dict:
    body = {
        "email": email or new_email(),
        "password": "correct horse battery",
        "display_name": "Kim",
        "role": role,
    }
    response = await client.post("/api/v1/auth/signup", json=body)
    assert response.status_code == 201, response.text
    return {**response.json(), "password": body["password"]}


async def login(
    client: httpx.AsyncClient, email: str, password: str = "correct horse battery"
) -> httpx.Response:
    return await client.post("/api/v1/auth/login", json={"email": email, "password": password})


async def test_signup_login_me_and_event(user_api) -> None:
    client, app = user_api
    user = await signup(client, "farmer")
    assert user["email"] == user["email"].lower() and user["role"] == "farmer"
    tokens = (await login(client, user["email"].upper())).json()  # emails are case-insensitive
    assert tokens["token_type"] == "Bearer" and tokens["expires_in"] == 900
    me = await client.get("/api/v1/users/me", headers={"Authorization": f"Bearer {tokens['access_token']}"})
    assert me.status_code == 200 and me.json()["id"] == user["id"]
    bus: MemoryBus = app.state.runtime.bus
    await app.state.runtime.relay.publish_pending()
    registered = [e for e in bus.published if e.type == "user.registered" and e.data["user_id"] == user["id"]]
    assert len(registered) == 1 and registered[0].data["role"] == "farmer"


async def test_duplicate_email_is_409_case_insensitive(user_api) -> None:
    client, _ = user_api
    user = await signup(client)
    again = await client.post(
        "/api/v1/auth/signup",
        json={
            "email": user["email"].upper(),
            "password": "x" * 12,
            "display_name": "Lee",
            "role": "consumer",
        },
    )
    assert again.status_code == 409
    assert again.headers["content-type"] == "application/problem+json"
    assert again.json()["type"].endswith("/email-taken")


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"password": "short"}, "password"),
        ({"role": "farmer-king"}, "role"),
        ({"display_name": "   "}, "display_name"),
        ({"unexpected": 1}, "unexpected"),
        ({"display_name": 7}, "display_name"),
        ({"phone": 1012345678}, "phone"),
    ],
)
async def test_bad_signup_is_422_with_field_and_creates_nothing(user_api, patch, field) -> None:
    client, _ = user_api
    email = new_email()
    body = {
        "email": email,
        "password": "correct horse battery",
        "display_name": "Park",
        "role": "company",
        **patch,
    }
    response = await client.post("/api/v1/auth/signup", json=body)
    assert response.status_code == 422
    problem = response.json()
    assert problem["status"] == 422 and problem["request_id"]
    assert any(err["field"] == field for err in problem["errors"]), problem
    if "email" not in patch:
        assert (await login(client, email)).status_code == 401  # nothing was written


async def test_committee_and_admin_are_not_self_service(user_api) -> None:
    client, _ = user_api
    for role in ("committee", "admin"):
        response = await client.post(
            "/api/v1/auth/signup",
            json={"email": new_email(), "password": "x" * 12, "display_name": "Choi", "role": role},
        )
        assert response.status_code == 403


async def test_admin_grants_committee(user_api) -> None:
    client, app = user_api
    admin, user = await signup(client), await signup(client)
    assert await grant(app.state.runtime.db, admin["email"], "admin")  # the operator's first admin
    admin_auth = {"Authorization": f"Bearer {(await login(client, admin['email'])).json()['access_token']}"}
    user_auth = {"Authorization": f"Bearer {(await login(client, user['email'])).json()['access_token']}"}
    denied = await client.put(f"/api/v1/users/{user['id']}/role", json={"role": "admin"}, headers=user_auth)
    assert denied.status_code == 403
    granted = await client.put(
        f"/api/v1/users/{user['id']}/role", json={"role": "committee"}, headers=admin_auth
    )
    assert granted.status_code == 200 and granted.json()["role"] == "committee"
    assert (await client.get(f"/api/v1/users/{user['id']}", headers=admin_auth)).json()["role"] == "committee"


async def test_refresh_rotates_and_reuse_revokes_session(user_api) -> None:
    client, _ = user_api
    user = await signup(client)
    first = (await login(client, user["email"])).json()
    second = await client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert second.status_code == 200
    rotated = second.json()["refresh_token"]
    assert rotated != first["refresh_token"]
    reuse = await client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert reuse.status_code == 401 and reuse.json()["type"].endswith("/refresh-token-reused")
    # the whole session is gone: even the newest refresh token no longer works
    after = await client.post("/api/v1/auth/refresh", json={"refresh_token": rotated})
    assert after.status_code == 401


async def test_logout_revokes_refresh(user_api) -> None:
    client, _ = user_api
    user = await signup(client)
    pair = (await login(client, user["email"])).json()
    out = await client.post(
        "/api/v1/auth/logout", headers={"Authorization": f"Bearer {pair['access_token']}"}
    )
    assert out.status_code == 204
    again = await client.post("/api/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert again.status_code == 401


async def test_profile_wallet_and_privacy(user_api) -> None:
    client, app = user_api
    a, b = await signup(client), await signup(client)
    pair = (await login(client, a["email"])).json()
    auth = {"Authorization": f"Bearer {pair['access_token']}"}
    patched = await client.patch(
        "/api/v1/users/me", json={"display_name": "  Han ", "language": "en"}, headers=auth
    )
    assert patched.json()["display_name"] == "Han" and patched.json()["language"] == "en"
    await app.state.runtime.relay.publish_pending()
    updates = [
        e
        for e in app.state.runtime.bus.published
        if e.type == "user.updated" and e.data["user_id"] == a["id"]
    ]
    assert updates[-1].data == {"user_id": a["id"], "display_name": "Han", "language": "en"}
    wallet = "0x" + "Ab" * 20
    linked = await client.put("/api/v1/users/me/wallet", json={"address": wallet}, headers=auth)
    assert linked.json()["wallet_address"] == wallet.lower()
    bad = await client.put("/api/v1/users/me/wallet", json={"address": "0x123"}, headers=auth)
    assert bad.status_code == 422
    other = await client.get(f"/api/v1/users/{b['id']}", headers=auth)
    assert other.status_code == 404  # another user's account is not visible


async def test_jwks_serves_the_verifying_key(user_api) -> None:
    client, _ = user_api
    user = await signup(client)
    pair = (await login(client, user["email"])).json()
    jwks = (await client.get("/.well-known/jwks.json")).json()
    from pamtalk.auth.jwks import JwksVerifier

    async def fetch() -> dict:
        return jwks

    principal = await JwksVerifier(fetch, issuer="pamtalk-user-service", audience="pamtalk").verify(
        pair["access_token"]
    )
    assert str(principal.id) == user["id"]


async def test_text_postgres_cannot_store_is_422_and_writes_nothing(user_api) -> None:
    client, _ = user_api
    email = new_email()
    response = await client.post(
        "/api/v1/auth/signup",
        json={
            "email": email,
            "password": "correct horse battery",
            "display_name": "Kim\x00",
            "role": "farmer",
        },
    )
    assert response.status_code == 422 and response.json()["type"].endswith("/invalid-text")
    assert (await login(client, email)).status_code == 401


async def test_password_change_checks_the_current_one(user_api) -> None:
    client, _ = user_api
    user = await signup(client)
    auth = {"Authorization": f"Bearer {(await login(client, user['email'])).json()['access_token']}"}
    wrong = await client.put(
        "/api/v1/users/me/password",
        json={"current_password": "not the password", "new_password": "a brand new password"},
        headers=auth,
    )
    assert wrong.status_code == 403 and wrong.json()["type"].endswith("/invalid-credentials")
    assert (await login(client, user["email"])).status_code == 200  # nothing changed
    changed = await client.put(
        "/api/v1/users/me/password",
        json={"current_password": user["password"], "new_password": "a brand new password"},
        headers=auth,
    )
    assert changed.status_code == 204
    assert (await login(client, user["email"])).status_code == 401
    assert (await login(client, user["email"], "a brand new password")).status_code == 200


async def test_a_wallet_of_another_account_is_409_and_changes_nothing(user_api) -> None:
    client, _ = user_api
    a, b = await signup(client), await signup(client)
    auth_a = {"Authorization": f"Bearer {(await login(client, a['email'])).json()['access_token']}"}
    auth_b = {"Authorization": f"Bearer {(await login(client, b['email'])).json()['access_token']}"}
    wallet = "0x" + uuid.uuid4().hex + "c" * 8
    assert (await client.put("/api/v1/users/me/wallet", json={"address": wallet}, headers=auth_a)).is_success
    again = await client.put("/api/v1/users/me/wallet", json={"address": wallet}, headers=auth_a)
    assert again.status_code == 200 and again.json()["wallet_address"] == wallet  # one's own: fine
    taken = await client.put("/api/v1/users/me/wallet", json={"address": wallet}, headers=auth_b)
    assert taken.status_code == 409 and taken.json()["type"].endswith("/wallet-taken")
    assert (await client.get("/api/v1/users/me", headers=auth_b)).json()["wallet_address"] is None


async def test_profile_fields_given_as_null(user_api) -> None:
    client, _ = user_api
    user = await signup(client)
    auth = {"Authorization": f"Bearer {(await login(client, user['email'])).json()['access_token']}"}
    phone = await client.patch("/api/v1/users/me", json={"phone": "010-1234-5678"}, headers=auth)
    assert phone.json()["phone"] == "010-1234-5678" and phone.json()["display_name"] == "Kim"
    bad = await client.patch("/api/v1/users/me", json={"display_name": None, "phone": None}, headers=auth)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "display_name"
    assert (await client.get("/api/v1/users/me", headers=auth)).json()["phone"] == "010-1234-5678"
    cleared = await client.patch("/api/v1/users/me", json={"phone": None}, headers=auth)
    assert cleared.status_code == 200 and cleared.json()["phone"] is None
    unchanged = await client.patch("/api/v1/users/me", json={}, headers=auth)
    assert unchanged.status_code == 200 and unchanged.json() == cleared.json()
