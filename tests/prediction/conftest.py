"""Fixtures of the prediction service tests: the service in-process against the real
PostgreSQL and Redis, with an in-memory bus whose consumers run as in production."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from services.prediction.app import create_app
from tests.conftest import service_client
from tests.prediction.support import Api, state


@pytest.fixture
async def prediction_api(database_url: str, redis_url: str, tokens: Any) -> AsyncIterator[Api]:
    async with service_client(
        create_app,
        service="prediction",
        database_url=database_url,
        redis_url=redis_url,
        tokens=tokens,
        outbox_poll_seconds=0.05,
        batch_max_wait_ms=20.0,  # wide enough that requests of one test land in one batch
    ) as (client, app):
        await state(app).models()
        yield client, app
