"""Forecast jobs: 202 with the job's URL, run by the prediction_requests consumer, results
for every crop x region, prediction.completed published; only the owner (or an admin) sees
a job."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from pamtalk.events.catalogue import PredictionCompleted, PredictionRequested
from pamtalk.events.envelope import Envelope
from services.prediction.consumers import prediction_requests
from services.prediction.forecasts import today
from services.prediction.ml.crops import CROPS, REGIONS
from services.prediction.store import forecast_jobs
from tests.prediction.support import published
from tests.waiting import eventually

pytestmark = pytest.mark.integration
JOBS = "/api/v1/predictions/jobs"


async def _finished(client, url: str, headers: dict[str, str]) -> dict:
    async def probe() -> dict | None:
        body = (await client.get(url, headers=headers)).json()
        return body if body["status"] in ("succeeded", "failed") else None

    return await eventually(probe)


async def test_job_lifecycle_all_crops_by_all_regions(prediction_api, tokens) -> None:
    client, app = prediction_api
    owner = uuid.uuid4()
    headers = tokens.headers("company", owner)
    response = await client.post(JOBS, json={"days": 3}, headers=headers)
    assert response.status_code == 202, response.text
    accepted = response.json()
    assert accepted["status"] == "queued" and response.headers["location"] == accepted["url"]
    assert accepted["url"] == f"{JOBS}/{accepted['id']}"

    job = await _finished(client, accepted["url"], headers)
    assert job["status"] == "succeeded" and job["error"] is None
    assert job["request"] == {
        "crops": list(CROPS),
        "regions": list(REGIONS),
        "days": 3,
        "start": str(today()),
    }
    assert job["started_at"] and job["finished_at"] >= job["started_at"]
    forecasts = job["result"]["forecasts"]
    assert job["result"]["count"] == len(forecasts) == len(CROPS) * len(REGIONS)
    assert {(f["crop"], f["region"]) for f in forecasts} == {(c, r) for c in CROPS for r in REGIONS}
    assert all(len(f["points"]) == 3 and f["start"] == str(today()) for f in forecasts)

    [done] = await published(app, "prediction.completed", job_id=accepted["id"])
    event = PredictionCompleted.model_validate(done)
    assert event.requested_by == owner and event.status == "succeeded"
    assert event.result_url.endswith(accepted["url"]) and event.result_url.startswith("http")
    [requested] = await published(app, "prediction.requested", job_id=accepted["id"])
    assert requested["requested_by"] == str(owner)

    # a redelivered request changes nothing and announces nothing again
    envelope = Envelope.wrap(
        PredictionRequested(job_id=uuid.UUID(accepted["id"]), requested_by=owner), "test"
    )
    await prediction_requests(app.state.runtime)(envelope, {})
    assert len(await published(app, "prediction.completed", job_id=accepted["id"])) == 1
    assert (await client.get(accepted["url"], headers=headers)).json()["finished_at"] == job["finished_at"]


async def test_a_partner_batch_of_some_crops_and_provinces(prediction_api, tokens) -> None:
    client, _ = prediction_api
    headers = tokens.headers("company")
    body = {"crops": ["Rice", "rice", "lettuce"], "regions": ["Busan", "Jeju"], "days": 14}
    accepted = (await client.post(JOBS, json=body, headers=headers)).json()
    job = await _finished(client, accepted["url"], headers)
    assert job["request"]["crops"] == ["rice", "lettuce"] and job["request"]["regions"] == [
        "Gyeongsang",
        "Jeju",
    ]
    assert [(f["crop"], f["region"], len(f["points"])) for f in job["result"]["forecasts"]] == [
        ("rice", "Gyeongsang", 14),
        ("rice", "Jeju", 14),
        ("lettuce", "Gyeongsang", 14),
        ("lettuce", "Jeju", 14),
    ]


async def test_a_job_the_models_refuse_fails_and_says_so(prediction_api, tokens) -> None:
    client, app = prediction_api
    owner = uuid.uuid4()
    job_id = uuid.uuid4()
    async with app.state.runtime.db.write() as tx:  # e.g. a model retrained without a crop
        request = {"crops": ["durian"], "regions": ["Seoul"], "days": 7, "start": str(today())}
        await forecast_jobs.insert(tx, job_id, owner, request, datetime.now(UTC))
    envelope = Envelope.wrap(PredictionRequested(job_id=job_id, requested_by=owner), "test")
    await prediction_requests(app.state.runtime)(envelope, {})
    job = (await client.get(f"{JOBS}/{job_id}", headers=tokens.headers("farmer", owner))).json()
    assert job["status"] == "failed" and "durian" in job["error"] and job["result"] is None
    [done] = await published(app, "prediction.completed", job_id=str(job_id))
    assert done["status"] == "failed"


async def test_only_the_owner_or_an_admin_sees_a_job(prediction_api, tokens) -> None:
    client, _ = prediction_api
    owner = uuid.uuid4()
    accepted = (
        await client.post(JOBS, json={"crops": ["rice"]}, headers=tokens.headers("farmer", owner))
    ).json()
    assert (
        await client.get(accepted["url"], headers=tokens.headers("farmer", uuid.uuid4()))
    ).status_code == 404
    assert (await client.get(accepted["url"], headers=tokens.headers("admin"))).status_code == 200
    assert (await client.get(accepted["url"])).status_code == 401
    assert (await client.get(f"{JOBS}/{uuid.uuid4()}", headers=tokens.headers("admin"))).status_code == 404
    assert (await client.post(JOBS, json={})).status_code == 401


async def test_my_jobs_are_listed_newest_first_in_pages(prediction_api, tokens) -> None:
    client, _ = prediction_api
    headers = tokens.headers("company", uuid.uuid4())
    ids = [
        (await client.post(JOBS, json={"crops": ["carrots"], "days": 1}, headers=headers)).json()["id"]
        for _ in range(3)
    ]
    first = (await client.get(JOBS, params={"limit": 2}, headers=headers)).json()
    second = (
        await client.get(JOBS, params={"limit": 2, "cursor": first["next_cursor"]}, headers=headers)
    ).json()
    assert [j["id"] for j in first["items"] + second["items"]] == ids[::-1] and second["next_cursor"] is None
    assert "result" not in first["items"][0]
    others = (await client.get(JOBS, headers=tokens.headers("company"))).json()
    assert others["items"] == []
    bad = await client.get(JOBS, params={"cursor": "not-a-cursor"}, headers=headers)
    assert bad.status_code == 422


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"crops": ["durian"]}, "crops"),
        ({"regions": ["Atlantis"]}, "regions"),
        ({"days": 29}, "days"),
        ({"crops": []}, "crops"),
        ({"colour": "red"}, "colour"),
        ({"days": "7"}, "days"),
        ({"days": True}, "days"),
        ({"crops": "tomatoes"}, "crops"),
    ],
)
async def test_bad_job_requests_are_422(prediction_api, tokens, body, field) -> None:
    client, _ = prediction_api
    response = await client.post(JOBS, json=body, headers=tokens.headers("company"))
    assert response.status_code == 422, response.text
    assert field in [e["field"] for e in response.json()["errors"]]
