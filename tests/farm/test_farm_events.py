"""Events through the outbox (farm.registered, farm.updated, farm.esg_submitted) and the
esg.scored consumer: exactly-once effect per event id, newest assessment wins."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from pamtalk.events.catalogue import EsgData, FarmEsgSubmitted, FarmRegistered, FarmUpdated
from tests.farm.support import create_farm, deliver, esg_body, published, scored_envelope

pytestmark = pytest.mark.integration
FARMS = "/api/v1/farms"


async def test_register_and_changes_publish_snapshots(farm_api, tokens) -> None:
    client, app = farm_api
    owner = uuid.uuid4()
    farm = await create_farm(client, tokens, owner)
    [registered] = await published(app, "farm.registered", farm["id"])
    FarmRegistered.model_validate(registered)
    assert registered["owner_id"] == str(owner) and registered["crops"] == ["cabbage", "rice"]
    assert registered["status"] == "active" and registered["size_ha"] == 12.5

    url, headers = f"{FARMS}/{farm['id']}", tokens.headers("farmer", owner)
    await client.patch(url, json={"certifications": ["organic", "fair_trade"]}, headers=headers)
    await client.patch(url, json={"certifications": ["organic", "fair_trade"]}, headers=headers)  # no change
    await client.post(f"{url}/deactivate", headers=headers)
    updates = await published(app, "farm.updated", farm["id"])
    assert len(updates) == 2
    for body in updates:
        FarmUpdated.model_validate(body)
    assert updates[0]["certifications"] == ["organic", "fair_trade"] and updates[0]["status"] == "active"
    assert updates[1]["status"] == "inactive"


async def test_esg_submission_is_stored_and_published(farm_api, tokens) -> None:
    client, app = farm_api
    owner = uuid.uuid4()
    farm = await create_farm(client, tokens, owner, certifications=["organic", "iso_14001"], size_ha=30)
    headers = tokens.headers("farmer", owner)
    response = await client.post(f"{FARMS}/{farm['id']}/esg", json=esg_body(), headers=headers)
    assert response.status_code == 202, response.text
    submission = response.json()
    assert submission["status"] == "pending" and submission["assessment"] is None
    assert submission["data"]["water_usage_per_hectare"] == 4200.0

    [event] = await published(app, "farm.esg_submitted", farm["id"])
    body = FarmEsgSubmitted.model_validate(event)
    assert str(body.submission_id) == submission["id"] and body.size_ha == 30
    assert body.certifications == ["organic", "iso_14001"] and body.yearly_volume == 0
    assert body.esg == EsgData.model_validate(esg_body())
    history = (await client.get(f"{FARMS}/{farm['id']}/esg", headers=headers)).json()
    assert [item["id"] for item in history["items"]] == [submission["id"]] and history["latest"] is None


async def test_esg_scored_twice_changes_the_farm_once(farm_api, tokens) -> None:
    client, app = farm_api
    owner = uuid.uuid4()
    farm = await create_farm(client, tokens, owner)
    headers = tokens.headers("farmer", owner)
    submission = (await client.post(f"{FARMS}/{farm['id']}/esg", json=esg_body(), headers=headers)).json()
    envelope = scored_envelope(farm, "Gold", 84.5, uuid.UUID(submission["id"]))
    await deliver(app, envelope)
    await deliver(app, envelope)  # redelivery

    after = (await client.get(f"{FARMS}/{farm['id']}")).json()
    assert after["esg_grade"] == "Gold" and after["esg_score"] == 84.5 and after["version"] == 2
    updates = await published(app, "farm.updated", farm["id"])
    assert len(updates) == 1 and updates[0]["esg_grade"] == "Gold"
    history = (await client.get(f"{FARMS}/{farm['id']}/esg", headers=headers)).json()
    assert history["latest"]["grade"] == "Gold" and history["latest"]["score"] == 84.5
    [item] = history["items"]
    assert item["status"] == "scored" and item["assessment"]["overall"] == 84.5


async def test_the_farm_shows_its_esg_score_to_two_decimals_as_the_assessment_does(farm_api, tokens) -> None:
    """The formula's overall score is a float (77.84999... here); the farm page, the list and the
    ESG history show it as the assessment does (77.85), not with the float's tail."""
    client, app = farm_api
    owner = uuid.uuid4()
    farm = await create_farm(client, tokens, owner)
    headers = tokens.headers("farmer", owner)
    submission = (await client.post(f"{FARMS}/{farm['id']}/esg", json=esg_body(), headers=headers)).json()
    await deliver(app, scored_envelope(farm, "Silver", 77.84999999999, uuid.UUID(submission["id"])))

    page = (await client.get(f"{FARMS}/{farm['id']}")).json()
    assert page["esg_score"] == 77.85
    mine = (await client.get(FARMS, params={"mine": "true"}, headers=headers)).json()
    assert [item["esg_score"] for item in mine["items"]] == [77.85]
    history = (await client.get(f"{FARMS}/{farm['id']}/esg", headers=headers)).json()
    assert history["latest"]["score"] == 77.85


async def test_older_assessment_does_not_replace_newer(farm_api, tokens) -> None:
    client, app = farm_api
    farm = await create_farm(client, tokens)
    newer = scored_envelope(farm, "Silver", 71.0)
    older = scored_envelope(farm, "Platinum", 95.0).model_copy(
        update={"occurred_at": datetime.now(UTC) - timedelta(hours=1)}
    )
    await deliver(app, newer)
    await deliver(app, older)  # arrives late
    after = (await client.get(f"{FARMS}/{farm['id']}")).json()
    assert after["esg_grade"] == "Silver" and after["version"] == 2


async def test_submission_keeps_its_newest_assessment(farm_api, tokens) -> None:
    client, app = farm_api
    owner = uuid.uuid4()
    farm = await create_farm(client, tokens, owner)
    url, headers = f"{FARMS}/{farm['id']}/esg", tokens.headers("farmer", owner)
    first, second = [(await client.post(url, json=esg_body(), headers=headers)).json() for _ in range(2)]
    await deliver(app, scored_envelope(farm, "Gold", 84.0, uuid.UUID(first["id"])))
    hour_ago = {"occurred_at": datetime.now(UTC) - timedelta(hours=1)}
    rescore = scored_envelope(farm, "Bronze", 60.0, uuid.UUID(first["id"])).model_copy(update=hour_ago)
    late = scored_envelope(farm, "Silver", 70.0, uuid.UUID(second["id"])).model_copy(update=hour_ago)
    await deliver(app, rescore)  # older than the first's assessment: neither it nor the farm moves
    await deliver(app, late)  # the second's only assessment: recorded, but the farm keeps Gold

    history = (await client.get(url, headers=headers)).json()
    grades = {item["id"]: item["assessment"]["grade"] for item in history["items"]}
    assert grades == {first["id"]: "Gold", second["id"]: "Silver"}
    after = (await client.get(f"{FARMS}/{farm['id']}")).json()
    assert after["esg_grade"] == "Gold" and after["version"] == 2
    assert [u["esg_grade"] for u in await published(app, "farm.updated", farm["id"])] == ["Gold"]


async def test_esg_scored_through_the_bus(farm_api, tokens) -> None:
    client, app = farm_api
    farm = await create_farm(client, tokens)
    envelope = scored_envelope(farm, "Bronze", 61.0)
    bus = app.state.runtime.bus
    await bus.publish(envelope)
    await bus.publish(envelope)
    for _ in range(100):
        body = (await client.get(f"{FARMS}/{farm['id']}")).json()
        lengths = await bus.queue_lengths()
        if body["esg_grade"] == "Bronze" and lengths["farm_updates"] == 0:
            break
        await asyncio.sleep(0.02)
    await asyncio.sleep(0.05)
    body = (await client.get(f"{FARMS}/{farm['id']}")).json()
    assert body["esg_grade"] == "Bronze" and body["version"] == 2
    assert (await bus.dead_letters("farm_updates")) == []


async def test_esg_scored_for_unknown_farm_is_ignored(farm_api) -> None:
    _, app = farm_api
    ghost = {"id": str(uuid.uuid4()), "owner_id": str(uuid.uuid4())}
    await deliver(app, scored_envelope(ghost))  # no error: nothing to update


async def test_who_submits_and_reads_esg(farm_api, tokens) -> None:
    client, _ = farm_api
    owner = uuid.uuid4()
    farm = await create_farm(client, tokens, owner)
    url = f"{FARMS}/{farm['id']}/esg"
    assert (await client.post(url, json=esg_body())).status_code == 401
    assert (await client.post(url, json=esg_body(), headers=tokens.headers("farmer"))).status_code == 403
    assert (await client.post(url, json=esg_body(), headers=tokens.headers("admin"))).status_code == 403
    assert (await client.get(url, headers=tokens.headers("farmer"))).status_code == 403
    assert (await client.get(url, headers=tokens.headers("consumer"))).status_code == 403
    for role in ("admin", "committee"):
        assert (await client.get(url, headers=tokens.headers(role))).status_code == 200
    await client.post(f"{FARMS}/{farm['id']}/suspend", headers=tokens.headers("admin"))
    refused = await client.post(url, json=esg_body(), headers=tokens.headers("farmer", owner))
    assert refused.status_code == 409
    mine = await client.get(url, headers=tokens.headers("farmer", owner))
    assert mine.status_code == 200 and mine.json()["items"] == []  # no refused submission was stored
    assert (await client.get(url, headers=tokens.headers("committee"))).status_code == 404  # not visible now


async def test_esg_history_pages(farm_api, tokens) -> None:
    client, _ = farm_api
    owner = uuid.uuid4()
    farm = await create_farm(client, tokens, owner)
    url, headers = f"{FARMS}/{farm['id']}/esg", tokens.headers("farmer", owner)
    made = [
        (await client.post(url, json=esg_body(soil_health_score=i), headers=headers)).json()["id"]
        for i in range(5)
    ]
    first = (await client.get(url, params={"limit": 3}, headers=headers)).json()
    second = (
        await client.get(url, params={"limit": 3, "cursor": first["next_cursor"]}, headers=headers)
    ).json()
    assert [i["id"] for i in first["items"] + second["items"]] == made[::-1] and second["next_cursor"] is None
    bad = await client.get(url, params={"cursor": "WyJ4Il0"}, headers=headers)
    assert bad.status_code == 422


async def test_esg_scored_sets_the_whole_grade_and_publishes_the_farm_as_written(farm_api, tokens) -> None:
    client, app = farm_api
    owner = uuid.uuid4()
    farm = await create_farm(client, tokens, owner, region="Jeju")
    headers = tokens.headers("farmer", owner)
    submission = (await client.post(f"{FARMS}/{farm['id']}/esg", json=esg_body(), headers=headers)).json()
    envelope = scored_envelope(farm, "Gold", 86.0, uuid.UUID(submission["id"]))
    await deliver(app, envelope)

    latest = (await client.get(f"{FARMS}/{farm['id']}/esg", headers=headers)).json()["latest"]
    assert latest["assessment_id"] == envelope.data["assessment_id"] and latest["grade"] == "Gold"
    assert datetime.fromisoformat(latest["assessed_at"]) == envelope.occurred_at
    assert latest["valid_until"] == envelope.data["valid_until"]
    listed = {
        grade: [
            item["id"]
            for item in (await client.get(FARMS, params={"region": "Jeju", "min_grade": grade})).json()[
                "items"
            ]
        ]
        for grade in ("Gold", "Platinum")
    }
    assert farm["id"] in listed["Gold"] and farm["id"] not in listed["Platinum"]  # the grade's rank moved too

    after = (await client.get(f"{FARMS}/{farm['id']}")).json()
    [update] = await published(app, "farm.updated", farm["id"])
    event = FarmUpdated.model_validate(update)
    assert event.esg_score == 86.0 and event.esg_grade == "Gold" and event.owner_id == owner
    assert {name: after[name] for name in ("name", "region", "crops", "certifications", "status")} == {
        name: update[name] for name in ("name", "region", "crops", "certifications", "status")
    }
    assert event.updated_at == datetime.fromisoformat(after["updated_at"])
