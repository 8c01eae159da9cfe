"""Fixtures of the farm tests: the service in-process (real PostgreSQL and Redis, an
in-memory bus), request bodies, and helpers to read the outbox and clear the tables."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from pamtalk.db.statements import sql
from pamtalk.runtime import service_state
from services.farm.app import create_app
from services.farm.state import FarmState
from tests.conftest import service_client

TRUNCATE = sql("TRUNCATE farms, esg_submissions")


@pytest.fixture
async def farm_api(
    database_url: str, redis_url: str, tokens: Any
) -> AsyncIterator[tuple[httpx.AsyncClient, FastAPI]]:
    async with service_client(
        create_app,
        service="farm",
        database_url=database_url,
        redis_url=redis_url,
        tokens=tokens,
        outbox_poll_seconds=0.05,
    ) as pair:
        yield pair


@pytest.fixture
async def clean_farms(farm_api: tuple[httpx.AsyncClient, FastAPI]) -> None:
    """An empty farm table (and a fresh list-cache generation) for tests that read whole lists."""
    _, app = farm_api
    runtime = app.state.runtime
    async with runtime.db.write() as tx:
        await tx.execute(TRUNCATE)
    await service_state(runtime, FarmState).list_cache.invalidate()
