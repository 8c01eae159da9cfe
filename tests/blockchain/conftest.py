"""Fixtures of the blockchain service tests: the service in-process against the real
PostgreSQL and Redis, with the in-memory bus driving its consumer. Anchoring is off unless a
test hands in a chain (``tests.blockchain.chain_support``)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import create_async_engine

from pamtalk.db.migrations import upgrade
from services.blockchain.app import create_app
from tests.blockchain.support import User, user
from tests.conftest import TokenFactory, migrate, service_client
from tests.services_available import PG_URL

Api = tuple[httpx.AsyncClient, FastAPI]


@pytest.fixture
async def ledger_api(database_url: str, redis_url: str, tokens: TokenFactory) -> AsyncIterator[Api]:
    async with service_client(
        create_app,
        service="blockchain",
        database_url=database_url,
        redis_url=redis_url,
        tokens=tokens,
        anchor_enabled=False,
        outbox_poll_seconds=0.05,
    ) as pair:
        yield pair


@pytest.fixture(scope="module")
async def fresh_database(database_url: str) -> AsyncIterator[str]:
    """A database of the module's own, migrated (for tests that look at the whole ledger)."""
    await migrate("blockchain", database_url)
    name = f"pamtalk_test_bc_{uuid.uuid4().hex[:8]}"
    admin = create_async_engine(PG_URL, isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        await conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = PG_URL.rsplit("/", 1)[0] + "/" + name
    await asyncio.to_thread(upgrade, "blockchain", url)
    yield url
    async with admin.connect() as conn:
        await conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await admin.dispose()


@pytest.fixture
def farmer(tokens: TokenFactory) -> User:
    return user(tokens, "farmer")


@pytest.fixture
def buyer(tokens: TokenFactory) -> User:
    return user(tokens, "consumer")


@pytest.fixture
def committee(tokens: TokenFactory) -> User:
    return user(tokens, "committee")
