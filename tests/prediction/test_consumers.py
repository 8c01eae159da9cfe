"""The consumers on the kit's inbox: a failed effect rolls its claim back (the redelivery
applies it), trade events without an effect are claimed and change nothing, and
``prediction.requested`` takes no claim: a job whose run was cut short runs again."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from pamtalk.events.catalogue import PredictionRequested, TransactionConfirmed, TransactionFlagged
from pamtalk.events.envelope import Envelope
from services.prediction.consumers import ANALYTICS, REQUESTS, analytics_data, prediction_requests
from services.prediction.forecasts import today
from services.prediction.store import forecast_jobs
from tests.prediction.support import Api, change, created, published, rows, state, trade

pytestmark = pytest.mark.integration
CLAIMS = "SELECT count(*) AS n FROM inbox WHERE consumer = :consumer AND event_id = :event_id"
SCORES = "SELECT count(*) AS n FROM trade_anomalies WHERE transaction_id = :id"


async def count(app, query: str, **values) -> int:
    [row] = await rows(app, query, **values)
    return int(row["n"])


async def test_a_failed_score_keeps_no_claim_and_the_redelivery_scores(
    prediction_api: Api, monkeypatch
) -> None:
    _, app = prediction_api
    event = created()
    envelope = Envelope.wrap(event, "transaction")
    handler = analytics_data(app.state.runtime)

    def broken(row) -> float:
        raise RuntimeError("the forest is down")

    monkeypatch.setattr(state(app), "trade_score", broken)
    with pytest.raises(RuntimeError):
        await handler(envelope, {})
    assert await count(app, CLAIMS, consumer=ANALYTICS, event_id=envelope.event_id) == 0
    assert await count(app, SCORES, id=event.transaction_id) == 0

    monkeypatch.undo()
    await handler(envelope, {})  # the bus retries
    assert await count(app, CLAIMS, consumer=ANALYTICS, event_id=envelope.event_id) == 1
    assert await count(app, SCORES, id=event.transaction_id) == 1


async def test_trade_events_without_an_effect_are_claimed_and_change_nothing(prediction_api: Api) -> None:
    _, app = prediction_api
    handler = analytics_data(app.state.runtime)
    body = trade("confirmed")
    flagged = TransactionFlagged(
        transaction_id=body["transaction_id"],
        producer_id=body["producer_id"],
        buyer_id=body["buyer_id"],
        score=0.9,
        risk_band="CRITICAL",
        reasons=["a test"],
    )
    for event in (TransactionConfirmed(**body), flagged):
        envelope = Envelope.wrap(event, "transaction")
        await handler(envelope, {})
        await handler(envelope, {})  # redelivered
        assert await count(app, CLAIMS, consumer=ANALYTICS, event_id=envelope.event_id) == 1
    assert await count(app, SCORES, id=body["transaction_id"]) == 0


async def test_a_job_cut_short_runs_again_and_takes_no_inbox_claim(prediction_api: Api, tokens) -> None:
    client, app = prediction_api
    owner, job_id = uuid.uuid4(), uuid.uuid4()
    async with app.state.runtime.db.write() as tx:
        request = {"crops": ["rice"], "regions": ["Seoul"], "days": 2, "start": str(today())}
        await forecast_jobs.insert(tx, job_id, owner, request, datetime.now(UTC))
    await change(  # a first run started, and the process died
        app,
        "UPDATE forecast_jobs SET status = 'running', attempts = 1, started_at = :at WHERE id = :id",
        at=datetime.now(UTC),
        id=job_id,
    )
    envelope = Envelope.wrap(PredictionRequested(job_id=job_id, requested_by=owner), "prediction")
    handler = prediction_requests(app.state.runtime)
    await handler(envelope, {})  # the redelivery
    job = (
        await client.get(f"/api/v1/predictions/jobs/{job_id}", headers=tokens.headers("farmer", owner))
    ).json()
    assert job["status"] == "succeeded" and job["result"]["count"] == 1
    [attempts] = await rows(app, "SELECT attempts FROM forecast_jobs WHERE id = :id", id=job_id)
    assert attempts["attempts"] == 2
    assert await count(app, CLAIMS, consumer=REQUESTS, event_id=envelope.event_id) == 0

    await handler(envelope, {})  # once more: the job is finished, nothing changes
    assert len(await published(app, "prediction.completed", job_id=str(job_id))) == 1
