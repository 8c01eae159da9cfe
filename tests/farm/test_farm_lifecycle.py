"""Register, read, edit, deactivate, activate and suspend a farm, with the role and
ownership rules: 401 anonymous, 403 wrong role or someone else's visible farm, 404 for a
farm the caller cannot see."""

from __future__ import annotations

import uuid

import pytest

from services.farm.access import PERSONAL
from tests.farm.support import create_farm, farm_body

pytestmark = pytest.mark.integration
FARMS = "/api/v1/farms"


async def test_farmer_registers_and_anyone_reads(farm_api, tokens) -> None:
    client, _ = farm_api
    owner = uuid.uuid4()
    response = await client.post(FARMS, json=farm_body(), headers=tokens.headers("farmer", owner))
    assert response.status_code == 201, response.text
    farm = response.json()
    assert farm["owner_id"] == str(owner) and farm["status"] == "active" and farm["version"] == 1
    assert farm["wallet_address"] == "0x" + "ab" * 20  # stored lower-cased
    assert farm["esg_grade"] is None and farm["crops"] == ["cabbage", "rice"]
    assert response.headers["location"] == f"{FARMS}/{farm['id']}"
    public = await client.get(f"{FARMS}/{farm['id']}")  # anonymous: without the personal data
    assert public.status_code == 200 and public.json() == {**farm, **dict.fromkeys(PERSONAL)}
    assert public.headers["cache-control"].startswith("public")


async def test_who_may_register(farm_api, tokens) -> None:
    client, _ = farm_api
    anonymous = await client.post(FARMS, json=farm_body())
    assert anonymous.status_code == 401 and anonymous.headers["content-type"] == "application/problem+json"
    consumer = await client.post(FARMS, json=farm_body(), headers=tokens.headers("consumer"))
    assert consumer.status_code == 403
    company = await client.post(FARMS, json=farm_body(), headers=tokens.headers("company"))
    assert company.status_code == 403


async def test_owner_edits_others_cannot(farm_api, tokens) -> None:
    client, _ = farm_api
    owner = uuid.uuid4()
    farm = await create_farm(client, tokens, owner)
    url = f"{FARMS}/{farm['id']}"
    edited = await client.patch(
        url,
        json={"name": "  Haenam Blue Farm ", "crops": ["rice", "rice", "lettuce"], "address": None},
        headers=tokens.headers("farmer", owner),
    )
    assert edited.status_code == 200, edited.text
    body = edited.json()
    assert body["name"] == "Haenam Blue Farm" and body["crops"] == ["rice", "lettuce"]
    assert body["address"] is None and body["version"] == 2
    assert edited.headers["etag"] == '"v2"'
    same = await client.patch(url, json={"name": "Haenam Blue Farm"}, headers=tokens.headers("farmer", owner))
    assert same.json()["version"] == 2  # nothing changed, no new version

    other = await client.patch(url, json={"name": "Mine now"}, headers=tokens.headers("farmer"))
    assert other.status_code == 403 and other.json()["type"].endswith("/not-farm-owner")
    admin = await client.patch(url, json={"name": "Admin's"}, headers=tokens.headers("admin"))
    assert admin.status_code == 403  # admins suspend; they do not edit someone's farm
    anonymous = await client.patch(url, json={"name": "Anon"})
    assert anonymous.status_code == 401
    assert (await client.get(url)).json()["name"] == "Haenam Blue Farm"


async def test_inactive_farm_is_hidden_from_others(farm_api, tokens) -> None:
    client, _ = farm_api
    owner = uuid.uuid4()
    farm = await create_farm(client, tokens, owner)
    url = f"{FARMS}/{farm['id']}"
    off = await client.post(f"{url}/deactivate", headers=tokens.headers("farmer", owner))
    assert off.status_code == 200 and off.json()["status"] == "inactive"
    again = await client.post(f"{url}/deactivate", headers=tokens.headers("farmer", owner))
    assert again.status_code == 200 and again.json()["version"] == off.json()["version"]  # idempotent

    assert (await client.get(url)).status_code == 404
    assert (await client.get(url, headers=tokens.headers("farmer"))).status_code == 404
    for action in ("deactivate", "activate"):
        assert (await client.post(f"{url}/{action}", headers=tokens.headers("farmer"))).status_code == 404
    assert (await client.patch(url, json={"name": "x"}, headers=tokens.headers("farmer"))).status_code == 404
    mine = await client.get(url, headers=tokens.headers("farmer", owner))
    assert mine.status_code == 200 and mine.headers["cache-control"].startswith("private")
    assert (await client.get(url, headers=tokens.headers("admin"))).status_code == 200

    on = await client.post(f"{url}/activate", headers=tokens.headers("farmer", owner))
    assert on.status_code == 200 and on.json()["status"] == "active"
    assert (await client.get(url)).status_code == 200


async def test_others_cannot_change_status_of_a_visible_farm(farm_api, tokens) -> None:
    client, _ = farm_api
    farm = await create_farm(client, tokens)
    url = f"{FARMS}/{farm['id']}"
    assert (await client.post(f"{url}/deactivate", headers=tokens.headers("farmer"))).status_code == 403
    assert (await client.post(f"{url}/suspend", headers=tokens.headers("farmer"))).status_code == 403
    assert (await client.post(f"{url}/suspend")).status_code == 401
    assert (await client.get(url)).json()["status"] == "active"


async def test_admin_suspends_and_lifts(farm_api, tokens) -> None:
    client, _ = farm_api
    owner = uuid.uuid4()
    farm = await create_farm(client, tokens, owner)
    url = f"{FARMS}/{farm['id']}"
    suspended = await client.post(f"{url}/suspend", headers=tokens.headers("admin"))
    assert suspended.status_code == 200 and suspended.json()["status"] == "suspended"
    assert (await client.get(url)).status_code == 404
    owner_headers = tokens.headers("farmer", owner)
    refused = await client.post(f"{url}/activate", headers=owner_headers)
    assert refused.status_code == 409 and refused.json()["type"].endswith("/farm-suspended")
    assert (await client.post(f"{url}/deactivate", headers=owner_headers)).status_code == 409
    assert (await client.get(url, headers=owner_headers)).json()["status"] == "suspended"
    lifted = await client.post(f"{url}/activate", headers=tokens.headers("admin"))
    assert lifted.status_code == 200 and lifted.json()["status"] == "active"


async def test_unknown_farm_is_404_and_bad_id_422(farm_api, tokens) -> None:
    client, _ = farm_api
    assert (await client.get(f"{FARMS}/{uuid.uuid4()}")).status_code == 404
    assert (
        await client.post(f"{FARMS}/{uuid.uuid4()}/suspend", headers=tokens.headers("admin"))
    ).status_code == 404
    bad = await client.get(f"{FARMS}/not-a-uuid")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "farm_id"


async def test_vocabularies(farm_api) -> None:
    client, _ = farm_api
    crops = (await client.get(f"{FARMS}/crops")).json()
    assert [c["code"] for c in crops] == ["tomatoes", "cabbage", "rice", "lettuce", "carrots"]
    certs = {c["code"]: c["esg_points"] for c in (await client.get(f"{FARMS}/certifications")).json()}
    assert certs["organic"] == 25 and len(certs) == 7
    regions = [r["code"] for r in (await client.get(f"{FARMS}/regions")).json()]
    assert len(regions) == 17 and "Jeju" in regions and "Seoul" in regions
