"""Bad input is a 422 problem with the field named, and nothing is written."""

from __future__ import annotations

import json
import uuid
from datetime import date, timedelta

import pytest

from tests.farm.support import create_farm, esg_body, farm_body, outbox_count

pytestmark = pytest.mark.integration
FARMS = "/api/v1/farms"
TOMORROW = (date.today() + timedelta(days=2)).isoformat()


@pytest.mark.parametrize(
    ("patch", "field", "says"),
    [
        ({"latitude": 91}, "latitude", "less than or equal to 90"),
        ({"latitude": 12.5}, "latitude", "South Korea"),
        ({"longitude": 140.1}, "longitude", "South Korea"),
        ({"longitude": "east"}, "longitude", ""),
        ({"size_ha": 0}, "size_ha", "greater than 0"),
        ({"size_ha": -3}, "size_ha", "greater than 0"),
        ({"size_ha": 10_000_000}, "size_ha", "less than or equal"),
        ({"crops": ["durian"]}, "crops.0", "tomatoes"),
        ({"crops": []}, "crops", "at least 1"),
        ({"certifications": ["fairtrade"]}, "certifications.0", "fair_trade"),
        ({"region": "Tokyo"}, "region", "Seoul"),
        ({"established": TOMORROW}, "established", "future"),
        ({"contact_email": "not-mail"}, "contact_email", ""),
        ({"contact_phone": "call me"}, "contact_phone", ""),
        ({"wallet_address": "0x123"}, "wallet_address", "40 hexadecimal"),
        ({"name": "   "}, "name", "blank"),
        ({"owner_id": str(uuid.uuid4())}, "owner_id", ""),
        # Strict types: what JSON carries, not what it might have meant (issue 16, finding 3).
        ({"size_ha": True}, "size_ha", "valid number"),
        ({"size_ha": "12.5"}, "size_ha", "valid number"),
        ({"latitude": "34.57"}, "latitude", "valid number"),
        ({"name": 7}, "name", "valid string"),
        ({"crops": "rice"}, "crops", ""),
    ],
)
async def test_bad_farm_is_422_and_nothing_written(farm_api, tokens, patch, field, says) -> None:
    client, app = farm_api
    owner = uuid.uuid4()
    before = await outbox_count(app)
    response = await client.post(FARMS, json=farm_body(**patch), headers=tokens.headers("farmer", owner))
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    errors = response.json()["errors"]
    assert any(e["field"] == field and says in e["message"] for e in errors), errors
    mine = await client.get(FARMS, params={"mine": "true"}, headers=tokens.headers("farmer", owner))
    assert mine.json()["items"] == []
    assert await outbox_count(app) == before


async def test_missing_required_fields_are_each_named(farm_api, tokens) -> None:
    client, _ = farm_api
    response = await client.post(FARMS, json={"name": "x"}, headers=tokens.headers("farmer"))
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert {"region", "latitude", "longitude", "size_ha", "crops", "established"} <= fields


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        ({"latitude": None}, "latitude"),
        ({"crops": []}, "crops"),
        ({"size_ha": 0}, "size_ha"),
        ({"id": "x"}, "id"),
        ({"size_ha": True}, "size_ha"),
        ({"longitude": "126.6"}, "longitude"),
    ],
)
async def test_bad_patch_is_422_and_changes_nothing(farm_api, tokens, patch, field) -> None:
    client, app = farm_api
    owner = uuid.uuid4()
    farm = await create_farm(client, tokens, owner)
    before = await outbox_count(app)
    response = await client.patch(
        f"{FARMS}/{farm['id']}", json={"name": "Renamed", **patch}, headers=tokens.headers("farmer", owner)
    )
    assert response.status_code == 422
    assert any(e["field"] == field for e in response.json()["errors"])
    after = (await client.get(f"{FARMS}/{farm['id']}")).json()
    assert after["name"] == farm["name"] and after["version"] == 1
    assert await outbox_count(app) == before


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        ({"renewable_energy_percentage": 101}, "renewable_energy_percentage"),
        ({"water_usage_per_hectare": -1}, "water_usage_per_hectare"),
        ({"carbon_emissions": -0.1}, "carbon_emissions"),
        ({"biodiversity_score": 10.5}, "biodiversity_score"),
        ({"worker_safety_score": -1}, "worker_safety_score"),
        ({"community_investment_percentage": 150}, "community_investment_percentage"),
        ({"organic_certified": "perhaps"}, "organic_certified"),
        ({"ethical_practices_score": None}, "ethical_practices_score"),
        ({"favourite_colour": "green"}, "favourite_colour"),
        ({"organic_certified": "yes"}, "organic_certified"),
        ({"organic_certified": 1}, "organic_certified"),
        ({"training_programs": "true"}, "training_programs"),
        ({"biodiversity_score": "7"}, "biodiversity_score"),
        ({"carbon_emissions": False}, "carbon_emissions"),
    ],
)
async def test_bad_esg_is_422_and_nothing_written(farm_api, tokens, patch, field) -> None:
    client, app = farm_api
    owner = uuid.uuid4()
    farm = await create_farm(client, tokens, owner)
    headers = tokens.headers("farmer", owner)
    before = await outbox_count(app)
    response = await client.post(f"{FARMS}/{farm['id']}/esg", json=esg_body(**patch), headers=headers)
    assert response.status_code == 422
    assert any(e["field"] == field for e in response.json()["errors"]), response.json()
    history = await client.get(f"{FARMS}/{farm['id']}/esg", headers=headers)
    assert history.json()["items"] == []
    assert await outbox_count(app) == before


async def test_missing_esg_field_is_named(farm_api, tokens) -> None:
    client, _ = farm_api
    owner = uuid.uuid4()
    farm = await create_farm(client, tokens, owner)
    body = esg_body()
    del body["soil_health_score"]
    response = await client.post(
        f"{FARMS}/{farm['id']}/esg", json=body, headers=tokens.headers("farmer", owner)
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["soil_health_score"]


@pytest.mark.parametrize(
    "params",
    [
        {"region": "Atlantis"},
        {"crop": "durian"},
        {"certification": "fairtrade"},
        {"min_grade": "Diamond"},
        {"limit": 0},
        {"limit": 101},
        {"near": "north"},
        {"near": "95.0,127.0"},
        {"radius_km": 5},
        {"near": "37.5,127.0", "radius_km": 0},
        {"near": "37.5,127.0", "radius_km": 5000},
    ],
)
async def test_bad_list_parameters_are_422(farm_api, params) -> None:
    client, _ = farm_api
    response = await client.get(FARMS, params=params)
    assert response.status_code == 422, response.text
    assert response.json()["errors"]


async def test_non_finite_numbers_are_422(farm_api, tokens) -> None:
    client, _ = farm_api
    owner = uuid.uuid4()
    farm = await create_farm(client, tokens, owner)
    headers = {**tokens.headers("farmer", owner), "Content-Type": "application/json"}
    raw = json.dumps(esg_body()).replace(
        '"water_usage_per_hectare": 4200.0', '"water_usage_per_hectare": Infinity'
    )
    response = await client.post(f"{FARMS}/{farm['id']}/esg", content=raw, headers=headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "water_usage_per_hectare"
    patch = await client.patch(f"{FARMS}/{farm['id']}", content='{"size_ha": NaN}', headers=headers)
    assert patch.status_code == 422 and patch.json()["errors"][0]["field"] == "size_ha"


async def test_two_megabyte_farm_is_refused_and_nothing_written(farm_api, tokens) -> None:
    client, app = farm_api
    before = await outbox_count(app)
    padded = farm_body(name="Padded farm", address="x" * 2_000_000)
    response = await client.post(
        "/api/v1/farms",
        content=json.dumps(padded),
        headers={**tokens.headers("farmer", uuid.uuid4()), "Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"].endswith("/payload-too-large")
    assert await outbox_count(app) == before
    listed = await client.get("/api/v1/farms", params={"q": "Padded farm"})
    assert all(item["name"] != "Padded farm" for item in listed.json()["items"])


async def test_streamed_body_past_the_limit_is_refused_and_nothing_written(farm_api, tokens) -> None:
    """A body sent in chunks (no Content-Length) is cut off once it passes the limit."""
    client, app = farm_api
    before = await outbox_count(app)
    data = json.dumps(farm_body(name="Streamed farm", address="x" * 300_000)).encode()

    async def chunks():
        for start in range(0, len(data), 16_384):
            yield data[start : start + 16_384]

    response = await client.post(
        "/api/v1/farms",
        content=chunks(),
        headers={**tokens.headers("farmer", uuid.uuid4()), "Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    assert await outbox_count(app) == before
