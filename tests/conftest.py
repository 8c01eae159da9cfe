"""Fixtures shared by the whole test suite: real PostgreSQL/Redis, signed tokens, and an
in-process client for a service app (real database and Redis, in-memory bus)."""

from __future__ import annotations

import asyncio
import base64
import os
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import FastAPI
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import create_async_engine

from gateway.datatier import Instance
from pamtalk.bus.memory import MemoryBus
from pamtalk.cache import make_redis
from pamtalk.runtime import Shared
from tests.pg_pair import TestPair, instance_fixture, own_pair_fixture, pair_fixture
from tests.services_available import PG_URL, REDIS_URL, require

ISSUER, AUDIENCE = "pamtalk-user-service", "pamtalk"

# The suite runs on its own settings. A developer's shell may export the platform's variables
# for `make up` or a load run (PAMTALK_PG_PORT, PAMTALK_LOG_LEVEL, PAMTALK_REDIS_URL, ...); they
# would reach every service and launcher a test starts (a test's environment is the shell's plus
# its own) and change what the tests see. Kept: the suite's own switches and where the machine
# keeps PostgreSQL's programs.
SHELL_SETTINGS_KEPT = ("PAMTALK_REQUIRE_SERVICES", "PAMTALK_TEST_", "PAMTALK_FUZZ_RANDOM", "PAMTALK_PG_BIN")
DROPPED_SHELL_SETTINGS: list[str] = []


def pytest_configure(config: pytest.Config) -> None:
    for name in sorted(os.environ):
        if name.startswith("PAMTALK_") and not name.startswith(SHELL_SETTINGS_KEPT):
            DROPPED_SHELL_SETTINGS.append(name)
            del os.environ[name]


def pytest_report_header(config: pytest.Config) -> str | None:
    if DROPPED_SHELL_SETTINGS:
        return "left out of the tests' environment (the shell's): " + ", ".join(DROPPED_SHELL_SETTINGS)
    return None


class TokenFactory:
    """Signs access tokens the way the user service does, with a test key."""

    def __init__(self) -> None:
        self.key = Ed25519PrivateKey.generate()
        self.kid = "test-key"
        raw = self.key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        x = base64.urlsafe_b64encode(raw).decode().rstrip("=")
        self.jwks = {
            "keys": [{"kty": "OKP", "crv": "Ed25519", "x": x, "kid": self.kid, "alg": "EdDSA", "use": "sig"}]
        }

    def __call__(self, role: str = "consumer", user_id: uuid.UUID | None = None, **overrides: Any) -> str:
        now = int(time.time())
        claims = {
            "sub": str(user_id or uuid.uuid4()),
            "role": role,
            "sid": uuid.uuid4().hex,
            "typ": "access",
            "iss": ISSUER,
            "aud": AUDIENCE,
            "iat": now,
            "exp": now + 900,
            **overrides,
        }
        return jwt.encode(claims, self.key, algorithm="EdDSA", headers={"kid": self.kid})

    def headers(self, role: str = "consumer", user_id: uuid.UUID | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self(role, user_id)}"}

    async def fetch(self) -> dict[str, Any]:
        return self.jwks


@pytest.fixture(scope="session")
def tokens() -> TokenFactory:
    return TokenFactory()


@asynccontextmanager
async def scratch_database(
    prefix: str = "pamtalk_test", services: tuple[str, ...] = ()
) -> AsyncIterator[str]:
    """A new database on the real PostgreSQL, with ``services``' migrations applied, dropped
    when the block ends."""
    require("postgresql")
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = create_async_engine(PG_URL, isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        await conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = PG_URL.rsplit("/", 1)[0] + "/" + name
    try:
        if services:
            from pamtalk.db.migrations import upgrade

            for service in services:
                await asyncio.to_thread(upgrade, service, url)
        yield url
    finally:
        async with admin.connect() as conn:
            await conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.dispose()


@pytest.fixture(scope="session")
async def database_url() -> AsyncIterator[str]:
    """A fresh database on the real PostgreSQL for this test session, dropped afterwards."""
    async with scratch_database() as url:
        yield url


@pytest.fixture(scope="session")
def replica_pair() -> Iterator[TestPair]:
    """A primary and its streaming hot standby of this session's own (tests/pg_pair.py)."""
    yield from pair_fixture()


@pytest.fixture
async def own_pair() -> AsyncIterator[TestPair]:
    """A primary and its standby for one test alone (it may lose the primary)."""
    async for pair in own_pair_fixture():
        yield pair


@pytest.fixture(scope="session")
def shard_instance() -> Iterator[Instance]:
    """A PostgreSQL instance of this session's own for a second farm shard."""
    yield from instance_fixture()


_migrated: set[str] = set()


async def migrate(service: str, url: str) -> None:
    """Apply a service's migrations once per test session (in a thread: Alembic runs its own loop)."""
    if service in _migrated:
        return
    from pamtalk.db.migrations import upgrade

    await asyncio.to_thread(upgrade, service, url)
    _migrated.add(service)


@pytest.fixture(scope="session")
async def redis_url() -> AsyncIterator[str]:
    require("redis")
    client = Redis.from_url(REDIS_URL)
    await client.flushdb()
    await client.aclose()
    yield REDIS_URL


@asynccontextmanager
async def service_client(
    app_factory: Callable[..., FastAPI],
    *,
    service: str,
    database_url: str,
    redis_url: str,
    tokens: TokenFactory,
    bus: MemoryBus | None = None,
    replica_url: str = "",
    **settings: Any,
) -> AsyncIterator[tuple[httpx.AsyncClient, FastAPI]]:
    """Run a service app in-process (lifespan included) against the real PostgreSQL and
    Redis, with an in-memory bus the test can inspect (``app.state.runtime.bus``)."""
    await migrate(service, database_url)
    redis = make_redis(redis_url)  # the services' own pool (waits for a free connection)
    shared = Shared(
        bus=bus or MemoryBus(retry_delays=(0.01, 0.02)),
        redis=redis,
        jwks_fetcher=tokens.fetch,
        database_url=database_url,
        replica_url=replica_url,
    )
    app = app_factory(shared=shared, env="test", **settings)
    await shared.bus.start()
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield client, app
    await shared.bus.close()
    await redis.aclose()
