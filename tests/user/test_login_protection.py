"""Login guessing is slowed down without locking owners out (services/user/login_throttle.py),
against the real PostgreSQL and Redis.

Every attempt is counted before its password is checked, so a burst of concurrent guesses
gets no more evaluations than the free attempts; the account and an address shared by many
users (a NAT, a partner's proxy) are only ever slowed down by a short, capped delay."""

from __future__ import annotations

import asyncio
import functools
import time
import uuid
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

import httpx
import pytest

from tests.user.test_accounts_api import new_email, signup, user_service

pytestmark = pytest.mark.integration
RIGHT, WRONG = "correct horse battery", "wrong password!"

Api = Callable[..., AbstractAsyncContextManager[tuple[httpx.AsyncClient, Any]]]


@pytest.fixture
def user_api(database_url: str, redis_url: str, tokens) -> Api:
    return functools.partial(user_service, database_url, redis_url, tokens)


def an_address() -> str:
    return f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"


async def login(client: httpx.AsyncClient, email: str, password: str, address: str) -> httpx.Response:
    return await client.post(
        "/api/v1/auth/login", json={"email": email, "password": password}, headers={"X-Real-IP": address}
    )


async def eventually_logs_in(
    attempt: Callable[[], Awaitable[httpx.Response]], *, longest_wait: int, deadline: float = 60
) -> None:
    """Retries as a client that honours Retry-After would, until the login succeeds."""
    give_up = time.monotonic() + deadline
    while True:
        answer = await attempt()
        if answer.status_code == 200:
            return
        assert answer.status_code == 429, answer.text
        assert 1 <= int(answer.headers["Retry-After"]) <= longest_wait, answer.headers
        assert time.monotonic() < give_up, "the owner never got in"
        await asyncio.sleep(0.2)


async def test_100_concurrent_wrong_logins_get_at_most_the_free_attempts_evaluated(user_api: Api) -> None:
    async with user_api() as (client, _):
        user, attacker, owner = await signup(client), an_address(), an_address()
        answers = await asyncio.gather(*(login(client, user["email"], WRONG, attacker) for _ in range(100)))
        statuses = [a.status_code for a in answers]
        assert set(statuses) <= {401, 429}, statuses  # never a 500
        assert 1 <= statuses.count(401) <= 5, statuses.count(401)
        assert all(int(a.headers["Retry-After"]) >= 1 for a in answers if a.status_code == 429)
        assert all(a.headers["content-type"] == "application/problem+json" for a in answers)
        # The right password from the attacker's address waits too, unevaluated...
        assert (await login(client, user["email"], RIGHT, attacker)).status_code == 429
        # ...while the owner, elsewhere, is not locked out.
        assert (await login(client, user["email"], RIGHT, owner)).status_code == 200


async def test_the_pair_waits_double_and_the_right_password_is_not_evaluated_meanwhile(
    user_api: Api,
) -> None:
    async with user_api() as (client, _):
        user, address = await signup(client), an_address()
        for _ in range(5):
            assert (await login(client, user["email"], WRONG, address)).status_code == 401
        first = await login(client, user["email"], RIGHT, address)
        assert first.status_code == 429 and first.headers["Retry-After"] == "1"
        # After the wait, one more guess is evaluated, and the next wait is twice as long.
        deadline = time.monotonic() + 30
        while (sixth := await login(client, user["email"], WRONG, address)).status_code == 429:
            assert time.monotonic() < deadline
            await asyncio.sleep(0.1)
        assert sixth.status_code == 401
        second = await login(client, user["email"], RIGHT, address)
        assert second.status_code == 429 and second.headers["Retry-After"] == "2"


async def test_a_successful_login_clears_the_pair(user_api: Api) -> None:
    async with user_api() as (client, _):
        user, address = await signup(client), an_address()
        for _ in range(2):
            for _ in range(4):
                assert (await login(client, user["email"], WRONG, address)).status_code == 401
            assert (await login(client, user["email"], RIGHT, address)).status_code == 200
        # Without the clearing, these ten attempts would have been past the five free ones.


async def test_guesses_from_many_addresses_slow_the_account_down_but_never_lock_the_owner_out(
    user_api: Api,
) -> None:
    async with user_api(login_free_per_account=20, login_max_shared_delay_seconds=2) as (client, _):
        user = await signup(client)
        answers = await asyncio.gather(
            *(login(client, user["email"], WRONG, an_address()) for _ in range(60))
        )
        statuses = [a.status_code for a in answers]
        assert set(statuses) <= {401, 429} and 429 in statuses
        assert statuses.count(401) <= 20  # the account's free attempts, then one per wait
        assert max(int(a.headers.get("Retry-After", 0)) for a in answers) <= 2
        owner = an_address()
        await eventually_logs_in(lambda: login(client, user["email"], RIGHT, owner), longest_wait=2)


async def test_an_address_shared_by_many_users_is_slowed_never_locked(user_api: Api) -> None:
    async with user_api(login_free_per_address=10, login_max_shared_delay_seconds=2) as (client, _):
        user, nat = await signup(client), an_address()
        statuses = [(await login(client, new_email(), WRONG, nat)).status_code for _ in range(15)]
        assert statuses[:10] == [401] * 10 and 429 in statuses[10:], statuses
        # Someone else behind the same address gets in after a short wait at most.
        await eventually_logs_in(lambda: login(client, user["email"], RIGHT, nat), longest_wait=2)


async def test_an_attempt_the_platform_could_not_check_does_not_count(user_api: Api) -> None:
    # One hash at a time and (almost) no wait for it: of concurrent logins, one is checked
    # and the others that were let through get a 503 (hashing busy).
    async with user_api(argon2_concurrency=1, argon2_wait_seconds=0.001) as (client, _):
        user, address = await signup(client), an_address()
        answers = await asyncio.gather(*(login(client, user["email"], WRONG, address) for _ in range(12)))
        statuses = [a.status_code for a in answers]
        assert 503 in statuses and set(statuses) <= {401, 429, 503}, statuses
        checked = statuses.count(401)
        # The 503s were given back: once the pair's wait is over, what is left of its five
        # free attempts (five less the checked ones) is evaluated in a row, then it waits.
        deadline = time.monotonic() + 30
        while (answer := await login(client, user["email"], WRONG, address)).status_code == 429:
            assert time.monotonic() < deadline
            await asyncio.sleep(0.1)
        in_a_row = 0
        while answer.status_code == 401:
            in_a_row += 1
            answer = await login(client, user["email"], WRONG, address)
        assert answer.status_code == 429 and in_a_row == 5 - checked, (in_a_row, checked, statuses)
