"""Schemathesis over the prediction API with an admin's token (every route reachable): no
5xx, and every response as documented. A second pass pins ``farm_id`` to a scored farm and
``job_id`` to a real job, so generated requests reach real rows."""

from __future__ import annotations

import asyncio
import uuid

import httpx
import pytest

from pamtalk.bus.memory import MemoryBus
from pamtalk.cache import make_redis
from pamtalk.db.database import Database
from pamtalk.events.envelope import Envelope
from pamtalk.runtime import Shared
from services.prediction.app import create_app
from services.prediction.esg import score_submission
from tests.conftest import migrate
from tests.fuzz import fuzz_api
from tests.live_server import live_server
from tests.prediction.test_esg_flow import submitted

pytestmark = [pytest.mark.integration, pytest.mark.slow]


async def test_prediction_api_holds_under_fuzzing(database_url: str, redis_url: str, tokens) -> None:
    await migrate("prediction", database_url)
    admin_id = uuid.uuid4()
    farm_id = uuid.uuid4()
    event = submitted(farm_id, uuid.uuid4())
    db = Database(database_url, "prediction_svc")
    async with db.write() as tx:
        await score_submission(tx, event, Envelope.wrap(event, "test"))
    await db.close()
    shared = Shared(
        bus=MemoryBus(), redis=make_redis(redis_url), jwks_fetcher=tokens.fetch, database_url=database_url
    )
    app = create_app(shared=shared, env="test")
    headers = tokens.headers("admin", admin_id)

    def run() -> list[str]:
        with live_server(app) as base_url:
            job = httpx.post(f"{base_url}/api/v1/predictions/jobs", json={"days": 1}, headers=headers)
            assert job.status_code == 202, job.text
            failures = fuzz_api(base_url, headers, max_examples=15)
            pinned = {"farm_id": str(farm_id), "job_id": job.json()["id"]}
            return failures + fuzz_api(base_url, headers, max_examples=15, path_parameters=pinned)

    failures = await asyncio.to_thread(run)
    assert not failures, "\n".join(failures)
