"""Schemathesis over the farm API, with a farmer's token: no 5xx, and every response as
documented (status code, content type, body). A second pass pins ``farm_id`` to a farm of
that farmer, so generated edits and ESG submissions reach a real row."""

from __future__ import annotations

import asyncio
import uuid

import httpx
import pytest

from pamtalk.bus.memory import MemoryBus
from pamtalk.cache import make_redis
from pamtalk.runtime import Shared
from services.farm.app import create_app
from tests.conftest import migrate
from tests.farm.support import farm_body
from tests.fuzz import fuzz_api
from tests.live_server import live_server

pytestmark = [pytest.mark.integration, pytest.mark.slow]


async def test_farm_api_holds_under_fuzzing(database_url: str, redis_url: str, tokens) -> None:
    await migrate("farm", database_url)
    shared = Shared(
        bus=MemoryBus(), redis=make_redis(redis_url), jwks_fetcher=tokens.fetch, database_url=database_url
    )
    app = create_app(shared=shared, env="test")
    headers = tokens.headers("farmer", uuid.uuid4())

    def run() -> list[str]:
        with live_server(app) as base_url:
            created = httpx.post(f"{base_url}/api/v1/farms", json=farm_body(), headers=headers)
            assert created.status_code == 201, created.text
            failures = fuzz_api(base_url, headers, max_examples=15)
            pinned = {"farm_id": created.json()["id"]}
            return failures + fuzz_api(base_url, headers, max_examples=15, path_parameters=pinned)

    failures = await asyncio.to_thread(run)
    assert not failures, "\n".join(failures)
