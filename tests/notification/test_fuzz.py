"""Schemathesis over the notification API (not the endless stream): no 5xx, every
response as documented."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from pamtalk.bus.memory import MemoryBus
from pamtalk.cache import make_redis
from pamtalk.runtime import Shared
from services.notification.app import create_app
from tests.conftest import migrate
from tests.fuzz import fuzz_api
from tests.live_server import live_server

pytestmark = [pytest.mark.integration, pytest.mark.slow]


async def test_notification_api_holds_under_fuzzing(database_url: str, redis_url: str, tokens) -> None:
    await migrate("notification", database_url)
    shared = Shared(
        bus=MemoryBus(), redis=make_redis(redis_url), jwks_fetcher=tokens.fetch, database_url=database_url
    )
    app = create_app(shared=shared, env="test")
    headers = tokens.headers("consumer", uuid.uuid4())

    def run() -> list[str]:
        with live_server(app) as base_url:
            return fuzz_api(
                base_url, headers, max_examples=50, exclude_paths=("/api/v1/notifications/stream",)
            )

    failures = await asyncio.to_thread(run)
    assert not failures, "\n".join(failures)
