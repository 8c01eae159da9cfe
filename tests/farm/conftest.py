"""Fixtures of the farm tests: the service in-process (real PostgreSQL and Redis, an
in-memory bus), request bodies, and helpers to read the outbox and clear the tables."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text

from services.farm.app import create_app
from tests.conftest import service_client


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
    async with app.state.runtime.db.transaction() as session:
        await session.execute(text("TRUNCATE farm_svc.farms, farm_svc.esg_submissions"))
    await app.state.runtime.extras["farm"].list_cache.invalidate()
