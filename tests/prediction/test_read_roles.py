"""Each read names the server it may use: the replica (once configured) for what tolerates
a little staleness (forecast history, ESG history, the anomaly review queue), the primary
where the caller reads what it has just written (its forecast jobs). A forecast whose pair
has too little platform history takes no connection at all."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

import pytest

from pamtalk.db.statements import sql
from pamtalk.db.tx import Read
from services.prediction.forecasts import today
from tests.prediction.support import Api, change, eventually, state

pytestmark = pytest.mark.integration
DEMAND = "/api/v1/predictions/demand"
PAIR = ("rice", "Chungcheong")  # a pair of this module alone


@pytest.fixture
def roles(prediction_api: Api, monkeypatch) -> list[str]:
    """The role of every read the service opens from now on for requests (the outbox relay's
    polls, in a task of their own, are left out)."""
    db = prediction_api[1].state.runtime.db
    opened: list[str] = []
    read = db.read

    @asynccontextmanager
    async def recording(role: str = "primary", **options) -> AsyncIterator[Read]:
        task = asyncio.current_task()
        if task is None or not task.get_name().startswith("outbox-relay"):
            opened.append(role)
        async with read(role, **options) as reading:
            yield reading

    monkeypatch.setattr(db, "read", recording)
    return opened


async def test_history_and_review_reads_may_use_the_replica(prediction_api: Api, roles, tokens) -> None:
    client, _ = prediction_api
    admin = tokens.headers("admin")
    assert (await client.get("/api/v1/anomalies", headers=admin)).status_code == 200
    assert (await client.get(f"/api/v1/esg/farms/{uuid.uuid4()}", headers=admin)).status_code == 404
    assert roles == ["replica", "replica"]


async def test_my_jobs_are_read_on_the_primary(prediction_api: Api, roles, tokens) -> None:
    client, _ = prediction_api
    headers = tokens.headers("company", uuid.uuid4())
    accepted = (
        await client.post("/api/v1/predictions/jobs", json={"crops": ["rice"]}, headers=headers)
    ).json()
    roles.clear()
    assert (await client.get(accepted["url"], headers=headers)).status_code == 200
    assert (await client.get("/api/v1/predictions/jobs", headers=headers)).status_code == 200
    assert roles == ["primary", "primary"]

    async def finished() -> bool:  # leave no job running into the service's shutdown
        return (await client.get(accepted["url"], headers=headers)).json()["status"] == "succeeded"

    await eventually(finished)


async def test_forecast_history_is_read_on_the_replica_and_only_when_there_is_some(
    prediction_api: Api, roles
) -> None:
    client, app = prediction_api
    crop, region = PAIR
    await state(app).cache.invalidate()
    state(app).history_index.forget()
    body = (await client.get(DEMAND, params={"crop": crop, "region": region})).json()
    assert body["history_source"] == "generated" and roles == ["replica"]  # the index of first days

    roles.clear()
    await state(app).cache.invalidate()
    assert (await client.get(DEMAND, params={"crop": crop, "region": region})).status_code == 200
    assert roles == []  # the index is fresh and says: no history, so no connection

    start = today()
    async with app.state.runtime.db.write() as tx:
        await tx.executemany(
            sql("INSERT INTO daily_demand (day, crop, region, quantity) VALUES (:day, :crop, :region, 500)"),
            [{"day": start - timedelta(days=d), "crop": crop, "region": region} for d in range(1, 29)],
        )
    try:
        state(app).history_index.forget()
        await state(app).cache.invalidate()
        roles.clear()
        body = (await client.get(DEMAND, params={"crop": crop, "region": region})).json()
        assert body["history_source"] == "platform" and roles == ["replica", "replica"]
    finally:
        await change(
            app, "DELETE FROM daily_demand WHERE crop = :crop AND region = :region", crop=crop, region=region
        )
        state(app).history_index.forget()
