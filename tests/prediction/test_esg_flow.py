"""ESG: farm.esg_submitted -> assessment stored with DOMAIN.md's figures -> esg.scored;
a redelivery changes nothing; the farm's assessments for its owner and the committee."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest

from pamtalk.events.catalogue import EsgData, EsgScored, FarmEsgSubmitted
from pamtalk.events.envelope import Envelope
from services.prediction.consumers import prediction_requests
from services.prediction.forecasts import today
from tests.prediction.support import change, publish, published, rows
from tests.waiting import eventually

pytestmark = pytest.mark.integration
ESG = {
    "organic_certified": True,
    "water_usage_per_hectare": 4200.0,  # <= 5,000 L/ha: 100
    "carbon_emissions": 1.5,  # <= 2 t/ha: 100
    "renewable_energy_percentage": 40,
    "biodiversity_score": 7,
    "soil_health_score": 8,
    "waste_management_score": 6,  # not in the formula
    "fair_wage_certification": True,
    "community_investment_percentage": 5,  # x 10 = 50
    "worker_safety_score": 9,
    "local_employment_percentage": 80,
    "training_programs": True,
    "healthcare_provided": False,  # welfare 50
    "transparency_score": 7,
    "record_keeping_score": 8,
    "stakeholder_engagement_score": 6,
    "ethical_practices_score": 9,
    "supply_chain_traceability": True,  # not in the formula
}
# Worked by hand from DOMAIN.md:
#   E = .20*100 + .20*100 + .25*100 + .15*40 + .10*70 + .10*80          = 86
#   S = .25*100 + .20*50 + .25*90 + .15*80 + .15*50                     = 77
#   G = .25*70 + .25*(25 organic + 15 iso_14001) + .20*80 + .15*60 + .15*90 = 66
#   overall = .40*86 + .35*77 + .25*66 = 77.85 -> Silver (tier 1.2)
#   tokens = int(77.85 * 1000 * (1 + 0.5 log10(30/10)) * 1.2 * (1 + 500,000/1,000,000)) = 173,559
EXPECTED = {"environmental": 86, "social": 77, "governance": 66, "overall": 77.85}


def submitted(farm_id: uuid.UUID, owner: uuid.UUID, **overrides: Any) -> FarmEsgSubmitted:
    return FarmEsgSubmitted(
        submission_id=overrides.pop("submission_id", uuid.uuid4()),
        farm_id=farm_id,
        owner_id=owner,
        size_ha=30,
        certifications=["organic", "iso_14001"],
        yearly_volume=500_000,
        esg=EsgData(**{**ESG, **overrides}),
    )


async def _count(app, farm_id: uuid.UUID) -> int:
    query = "SELECT count(*) AS n FROM esg_assessments WHERE farm_id = :farm_id"
    [row] = await rows(app, query, farm_id=farm_id)
    return int(row["n"])


async def test_submission_is_scored_stored_and_published(prediction_api, tokens) -> None:
    client, app = prediction_api
    farm_id, owner = uuid.uuid4(), uuid.uuid4()
    event = submitted(farm_id, owner)
    await publish(app, event)  # through the bus: the prediction_requests consumer scores it

    async def scored() -> list[dict[str, Any]]:
        return await published(app, "esg.scored", farm_id=str(farm_id))

    [body] = await eventually(scored)
    scored_event = EsgScored.model_validate(body)
    for part, value in EXPECTED.items():
        assert getattr(scored_event, part) == pytest.approx(value, abs=1e-9)
    assert scored_event.grade == "Silver" and scored_event.token_estimate == 173_559
    assert scored_event.submission_id == event.submission_id and scored_event.owner_id == owner
    assert scored_event.valid_until == today() + timedelta(days=365)

    response = await client.get(f"/api/v1/esg/farms/{farm_id}", headers=tokens.headers("farmer", owner))
    assert response.status_code == 200, response.text
    data = response.json()
    current = data["current"]
    assert current["id"] == str(scored_event.assessment_id) and current["valid"] is True
    assert current["grade"] == "Silver" and current["token_estimate"] == 173_559
    assert current["size_factor"] == pytest.approx(1.2385606, abs=1e-6)
    assert (current["tier"], current["volume_bonus"]) == (1.2, 1.5)
    breakdown = {part: {i["name"]: i for i in items} for part, items in current["breakdown"].items()}
    assert breakdown["environmental"]["water"] == {
        "name": "water",
        "value": 4200.0,
        "score": 100.0,
        "weight": 20,
        "contribution": 20.0,
    }
    assert breakdown["social"]["welfare"]["value"] == {
        "training_programs": True,
        "healthcare_provided": False,
    }
    assert breakdown["governance"]["certifications"]["score"] == 40
    for part in ("environmental", "social", "governance"):
        total = sum(i["contribution"] for i in breakdown[part].values())
        assert total == pytest.approx(EXPECTED[part])
    assert [h["id"] for h in data["history"]] == [current["id"]] and data["next_cursor"] is None


async def test_redelivery_and_a_second_event_for_the_same_submission_change_nothing(prediction_api) -> None:
    _, app = prediction_api
    farm_id = uuid.uuid4()
    event = submitted(farm_id, uuid.uuid4())
    envelope = Envelope.wrap(event, "farm")
    handler = prediction_requests(app.state.runtime)
    await handler(envelope, {})
    await handler(envelope, {})  # the broker delivered it twice
    await handler(Envelope.wrap(event, "farm"), {})  # the farm service sent it twice
    assert await _count(app, farm_id) == 1
    assert len(await published(app, "esg.scored", farm_id=str(farm_id))) == 1


async def test_history_current_and_who_may_read(prediction_api, tokens) -> None:
    client, app = prediction_api
    farm_id, owner = uuid.uuid4(), uuid.uuid4()
    handler = prediction_requests(app.state.runtime)
    for score in (3, 10, 6):  # three submissions over time
        await handler(Envelope.wrap(submitted(farm_id, owner, transparency_score=score), "farm"), {})
    url = f"/api/v1/esg/farms/{farm_id}"
    first = (await client.get(url, params={"limit": 2}, headers=tokens.headers("committee"))).json()
    second = (
        await client.get(
            url, params={"limit": 2, "cursor": first["next_cursor"]}, headers=tokens.headers("admin")
        )
    ).json()
    history = first["history"] + second["history"]
    transparency = [
        next(i["value"] for i in h["breakdown"]["governance"] if i["name"] == "transparency") for h in history
    ]
    assert transparency == [6, 10, 3] and second["next_cursor"] is None  # newest first
    assert first["current"]["id"] == history[0]["id"]

    await change(  # the newest one has expired
        app,
        "UPDATE esg_assessments SET valid_until = :day WHERE id = :id",
        day=today() - timedelta(days=1),
        id=uuid.UUID(history[0]["id"]),
    )
    data = (await client.get(url, headers=tokens.headers("farmer", owner))).json()
    assert data["current"]["id"] == history[1]["id"] and data["history"][0]["valid"] is False

    assert (await client.get(url, headers=tokens.headers("farmer"))).status_code == 403
    assert (await client.get(url)).status_code == 401
    missing = await client.get(f"/api/v1/esg/farms/{uuid.uuid4()}", headers=tokens.headers("admin"))
    assert missing.status_code == 404
