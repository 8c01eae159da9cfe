"""Fixtures of the blockchain service tests: the service in-process against the real
PostgreSQL and Redis, with the in-memory bus driving its consumer. Anchoring is off unless a
test hands in a chain (``tests.blockchain.chain_support``)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path

import pytest

from tests.blockchain.support import Api, User, ledger_service, user
from tests.conftest import TokenFactory, scratch_database

Starter = Callable[..., AbstractAsyncContextManager[Api]]


@pytest.fixture
async def ledger_api(database_url: str, redis_url: str, tokens: TokenFactory) -> AsyncIterator[Api]:
    async with ledger_service(
        database_url,
        redis_url,
        tokens,
        anchor_enabled=False,
        outbox_poll_seconds=0.05,
    ) as pair:
        yield pair


@pytest.fixture
def anchoring(database_url: str, redis_url: str, tokens: TokenFactory) -> Starter:
    """Starts the service anchoring each new entry on its in-process chain (kept in
    ``chain_file`` if given), its lifespan running from start to end: ``async with
    anchoring() as (client, app)``."""

    @asynccontextmanager
    async def started(chain_file: Path | None = None) -> AsyncIterator[Api]:
        async with ledger_service(
            database_url,
            redis_url,
            tokens,
            anchor_every_entries=1,
            anchor_poll_seconds=0.05,
            in_process_chain_file=str(chain_file or ""),
        ) as pair:
            yield pair

    return started


@pytest.fixture(scope="module")
async def fresh_database() -> AsyncIterator[str]:
    """A database of the module's own, migrated (for tests that look at the whole ledger)."""
    async with scratch_database("pamtalk_test_bc", ("blockchain",)) as url:
        yield url


@pytest.fixture
def farmer(tokens: TokenFactory) -> User:
    return user(tokens, "farmer")


@pytest.fixture
def buyer(tokens: TokenFactory) -> User:
    return user(tokens, "consumer")


@pytest.fixture
def committee(tokens: TokenFactory) -> User:
    return user(tokens, "committee")
