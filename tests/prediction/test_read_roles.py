"""Each read names the server it may use: the replica (once configured) for what tolerates
a little staleness (forecast history, ESG history, the anomaly review queue), the primary
where the caller reads what it has just written (its forecast jobs). A forecast whose pair
has too little platform history takes no connection at all."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from contextvars import ContextVar
from datetime import timedelta

import pytest

from pamtalk.db.statements import sql
from pamtalk.db.tx import Read
from services.prediction.forecasts import today
from tests.prediction.support import Api, change, state
from tests.waiting import eventually

pytestmark = pytest.mark.integration
DEMAND = "/api/v1/predictions/demand"
PAIR = ("rice", "Chungcheong")  # a pair of this module alone
_watching: ContextVar[bool] = ContextVar("watching", default=False)


class Reads:
    """The roles of the reads opened by the requests sent inside ``watch()`` (and by the
    tasks they start), not by the service's own background work (relay, consumers)."""

    def __init__(self) -> None:
        self.roles: list[str] = []

    @contextmanager
    def watch(self) -> Iterator[list[str]]:
        self.roles.clear()
        token = _watching.set(True)
        try:
            yield self.roles
        finally:
            _watching.reset(token)


@pytest.fixture
def reads(prediction_api: Api, monkeypatch) -> Reads:
    db = prediction_api[1].state.runtime.db
    recorded = Reads()
    read = db.read

    @asynccontextmanager
    async def recording(role: str = "primary", **options) -> AsyncIterator[Read]:
        if _watching.get():
            recorded.roles.append(role)
        async with read(role, **options) as reading:
            yield reading

    monkeypatch.setattr(db, "read", recording)
    return recorded


async def test_history_and_review_reads_may_use_the_replica(prediction_api: Api, reads, tokens) -> None:
    client, _ = prediction_api
    admin = tokens.headers("admin")
    with reads.watch() as roles:
        assert (await client.get("/api/v1/anomalies", headers=admin)).status_code == 200
        assert (await client.get(f"/api/v1/esg/farms/{uuid.uuid4()}", headers=admin)).status_code == 404
    assert roles == ["replica", "replica"]


async def test_my_jobs_are_read_on_the_primary(prediction_api: Api, reads, tokens) -> None:
    client, _ = prediction_api
    headers = tokens.headers("company", uuid.uuid4())
    body = {"crops": ["rice"], "regions": ["Seoul"], "days": 1}
    accepted = (await client.post("/api/v1/predictions/jobs", json=body, headers=headers)).json()
    with reads.watch() as roles:
        assert (await client.get(accepted["url"], headers=headers)).status_code == 200
        assert (await client.get("/api/v1/predictions/jobs", headers=headers)).status_code == 200
    assert roles == ["primary", "primary"]

    async def finished() -> bool:  # leave no job running into the service's shutdown
        return (await client.get(accepted["url"], headers=headers)).json()["status"] == "succeeded"

    await eventually(finished)


async def test_forecast_history_is_read_on_the_replica_and_only_when_there_is_some(
    prediction_api: Api, reads
) -> None:
    client, app = prediction_api
    crop, region = PAIR
    await state(app).cache.invalidate()
    state(app).history_index.forget()
    with reads.watch() as roles:
        body = (await client.get(DEMAND, params={"crop": crop, "region": region})).json()
    assert body["history_source"] == "generated" and roles == ["replica"]  # the index of first days

    await state(app).cache.invalidate()
    with reads.watch() as roles:
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
        with reads.watch() as roles:
            body = (await client.get(DEMAND, params={"crop": crop, "region": region})).json()
        # the index, the histories, and the tracked shift of the intervals (first read of the day)
        assert body["history_source"] == "platform" and roles == ["replica", "replica", "replica"]
    finally:
        query = "DELETE FROM daily_demand WHERE crop = :crop AND region = :region"
        await change(app, query, crop=crop, region=region)
        state(app).history_index.forget()
