"""Schemathesis over the user API: no 5xx, every response as documented."""

from __future__ import annotations

import asyncio

import pytest

from pamtalk.bus.memory import MemoryBus
from pamtalk.cache import make_redis
from pamtalk.runtime import Shared
from services.user.app import create_app
from tests.conftest import migrate
from tests.fuzz import fuzz_api
from tests.live_server import live_server

pytestmark = [pytest.mark.integration, pytest.mark.slow]


async def test_user_api_holds_under_fuzzing(database_url: str, redis_url: str, tokens) -> None:
    await migrate("user", database_url)
    shared = Shared(
        bus=MemoryBus(), redis=make_redis(redis_url), jwks_fetcher=tokens.fetch, database_url=database_url
    )
    app = create_app(shared=shared, env="test", login_free_per_address=100000)

    def run() -> list[str]:
        with live_server(app) as base_url:
            return fuzz_api(base_url, tokens.headers("consumer"), max_examples=20)

    failures = await asyncio.to_thread(run)
    assert not failures, "\n".join(failures)
