"""Who runs a farm and how to reach them (``owner_id``, ``contact_phone``, ``contact_email``)
is personal data (issue 16, finding 11). It is never in a public answer - an active farm's
page or the public list, which the gateway caches and serves to anyone, token or not - and
signed-in users ask for it on ``GET /farms/{id}/contact``. The owner's own views carry it."""

from __future__ import annotations

import uuid

import pytest

from services.farm.access import PERSONAL
from tests.farm.support import create_farm

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("clean_farms")]
FARMS = "/api/v1/farms"


def personal(farm: dict) -> tuple:
    return tuple(farm[name] for name in PERSONAL)


async def test_public_answers_carry_no_personal_data_whoever_asks(farm_api, tokens) -> None:
    client, _ = farm_api
    owner = uuid.uuid4()
    farm = await create_farm(client, tokens, owner)
    callers = [{}, tokens.headers("consumer"), tokens.headers("admin"), tokens.headers("farmer", owner)]
    for url, params in (
        (f"{FARMS}/{farm['id']}", {}),
        (FARMS, {"limit": 5}),
        (FARMS, {"near": "34.57,126.6", "radius_km": 20}),
    ):
        answers = [await client.get(url, params=params, headers=headers) for headers in callers]
        assert all(a.status_code == 200 for a in answers)
        # One answer for everyone (the gateway may hand it to anyone): the same bytes, public.
        assert len({a.content for a in answers}) == 1
        assert all(a.headers["cache-control"] == "public, max-age=60" for a in answers)
        shown = answers[0].json()
        shown = shown["items"][0] if "items" in shown else shown
        assert personal(shown) == (None, None, None)
        assert shown["name"] == farm["name"] and shown["id"] == farm["id"]


async def test_signed_in_users_get_the_contact(farm_api, tokens) -> None:
    client, _ = farm_api
    owner = uuid.uuid4()
    farm = await create_farm(client, tokens, owner)
    url = f"{FARMS}/{farm['id']}/contact"
    for role in ("consumer", "company", "farmer", "committee", "admin"):
        answer = await client.get(url, headers=tokens.headers(role))
        assert answer.status_code == 200, answer.text
        assert answer.json() == {
            "farm_id": farm["id"],
            "owner_id": str(owner),
            "contact_phone": farm["contact_phone"],
            "contact_email": farm["contact_email"],
        }
        assert answer.headers["cache-control"] == "private, no-store"
    anonymous = await client.get(url)
    assert anonymous.status_code == 401
    assert anonymous.headers["content-type"] == "application/problem+json"
    unknown = await client.get(f"{FARMS}/{uuid.uuid4()}/contact", headers=tokens.headers())
    assert unknown.status_code == 404


async def test_a_farm_off_the_list_keeps_its_contact_to_its_owner_and_admins(farm_api, tokens) -> None:
    client, _ = farm_api
    owner = uuid.uuid4()
    farm = await create_farm(client, tokens, owner)
    mine = tokens.headers("farmer", owner)
    assert (await client.post(f"{FARMS}/{farm['id']}/deactivate", headers=mine)).status_code == 200
    for headers in (mine, tokens.headers("admin")):
        page = await client.get(f"{FARMS}/{farm['id']}", headers=headers)
        assert page.status_code == 200 and personal(page.json())[0] == str(owner)
        assert page.headers["cache-control"].startswith("private")
        contact = await client.get(f"{FARMS}/{farm['id']}/contact", headers=headers)
        assert contact.status_code == 200
    # Anyone else: the farm does not exist for them, nor its contact.
    assert (await client.get(f"{FARMS}/{farm['id']}/contact", headers=tokens.headers())).status_code == 404
    listed = await client.get(FARMS, params={"mine": "true"}, headers=mine)
    (item,) = listed.json()["items"]
    assert personal(item) == (str(owner), farm["contact_phone"], farm["contact_email"])
    assert listed.headers["cache-control"].startswith("private")
