"""Fixtures of the transaction service tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from services.transaction.app import create_app
from tests.conftest import TokenFactory, scratch_database, service_client
from tests.transaction.support import User, add_farm, user

Api = tuple[httpx.AsyncClient, FastAPI]


@pytest.fixture
async def trade_api(database_url: str, redis_url: str, tokens: TokenFactory) -> AsyncIterator[Api]:
    async with service_client(
        create_app,
        service="transaction",
        database_url=database_url,
        redis_url=redis_url,
        tokens=tokens,
        outbox_poll_seconds=0.05,
    ) as pair:
        yield pair


@pytest.fixture(scope="module")
async def fresh_database() -> AsyncIterator[str]:
    """A database of the module's own, migrated (for tests that count everything in it)."""
    async with scratch_database("pamtalk_test_txn", ("transaction",)) as url:
        yield url


@pytest.fixture
def buyer(tokens: TokenFactory) -> User:
    return user(tokens, "consumer")


@pytest.fixture
def farmer(tokens: TokenFactory) -> User:
    return user(tokens, "farmer")


@pytest.fixture
def stranger(tokens: TokenFactory) -> User:
    return user(tokens, "consumer")


@pytest.fixture
def admin(tokens: TokenFactory) -> User:
    return user(tokens, "admin")


@pytest.fixture
async def farm(trade_api: Api, farmer: User) -> str:
    _, app = trade_api
    return str(await add_farm(app, farmer))
