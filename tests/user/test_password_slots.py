"""Password hashes in flight are bounded per process (each argon2id hash holds 19 MiB): beyond
the bound a request waits for a slot, then gets a 503 problem with ``Retry-After`` and
nothing is written; a slot frees when its hash completes (or fails)."""

from __future__ import annotations

import asyncio
import uuid

import httpx
import pytest

from pamtalk.errors import Problem
from services.user.app import create_app
from services.user.passwords import Passwords
from services.user.state import UserState
from tests.conftest import service_client

PASSWORD = "correct horse battery"


@pytest.mark.integration
async def test_beyond_the_bound_a_request_is_503_with_retry_after_and_writes_nothing(
    database_url: str, redis_url: str, tokens
) -> None:
    async with service_client(
        create_app,
        service="user",
        database_url=database_url,
        redis_url=redis_url,
        tokens=tokens,
        argon2_concurrency=1,  # the settings size the bound and the wait
        argon2_wait_seconds=1,
    ) as (client, app):
        passwords = app.state.runtime.state.passwords
        assert isinstance(app.state.runtime.state, UserState)
        taken = f"user-{uuid.uuid4().hex[:10]}@example.com"
        fresh = f"user-{uuid.uuid4().hex[:10]}@example.com"
        assert (await _signup(client, taken)).status_code == 201

        async with passwords.slot():  # the one slot is busy for longer than a request waits
            login, signup = await asyncio.gather(_login(client, taken), _signup(client, fresh))

        for answer in (login, signup):
            assert answer.status_code == 503, answer.text
            assert answer.headers["content-type"] == "application/problem+json"
            assert answer.headers["retry-after"] == "2"
            assert answer.json()["type"].endswith("/password-hashing-busy")
        # the slot is free again: the refused sign-up wrote nothing, so it succeeds now
        assert (await _signup(client, fresh)).status_code == 201
        assert (await _login(client, taken)).status_code == 200


async def test_slots_free_when_hashes_complete_or_fail() -> None:
    passwords = Passwords(time_cost=1, memory_kib=8, concurrency=2, wait_seconds=0)
    stored = await passwords.hash(PASSWORD)
    # many more hashes than slots, two at a time: every one gets a slot once one frees
    results = []
    for _ in range(5):
        results += await asyncio.gather(passwords.verify(stored, PASSWORD), passwords.verify(None, PASSWORD))
    assert results == [True, False] * 5

    async with passwords.slot(), passwords.slot():
        with pytest.raises(Problem) as refused:
            await passwords.hash(PASSWORD)  # a third beyond the bound: no waiting allowed here
    assert refused.value.status == 503 and refused.value.headers == {"Retry-After": "2"}

    with pytest.raises(RuntimeError):
        async with passwords.slot():
            raise RuntimeError("the hash failed")
    async with passwords.slot(), passwords.slot():  # both slots are free again
        pass


async def _signup(client: httpx.AsyncClient, email: str) -> httpx.Response:
    body = {"email": email, "password": PASSWORD, "display_name": "Kim", "role": "consumer"}
    return await client.post("/api/v1/auth/signup", json=body)


async def _login(client: httpx.AsyncClient, email: str) -> httpx.Response:
    return await client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
