"""Fixtures of the transaction service tests."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import create_async_engine

from pamtalk.db.migrations import upgrade
from services.transaction.app import create_app
from tests.conftest import TokenFactory, migrate, service_client
from tests.services_available import PG_URL
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
async def fresh_database(database_url: str) -> AsyncIterator[str]:
    """A database of the module's own, migrated (for tests that count everything in it)."""
    await migrate("transaction", database_url)  # the session's database first: migrate() runs once
    name = f"pamtalk_test_txn_{uuid.uuid4().hex[:8]}"
    admin = create_async_engine(PG_URL, isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        await conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = PG_URL.rsplit("/", 1)[0] + "/" + name
    await asyncio.to_thread(upgrade, "transaction", url)
    yield url
    async with admin.connect() as conn:
        await conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await admin.dispose()


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
