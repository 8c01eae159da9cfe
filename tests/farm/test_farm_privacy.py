"""Who runs a farm and how to reach them (``owner_id``, ``contact_phone``, ``contact_email``)
is personal data: signed-in users see it, anonymous callers get ``null`` (issue 16, finding 11).
The list (cached in Redis) and the farm page (ETags, shared caches) keep the two views apart,
in whichever order they are asked for."""

from __future__ import annotations

import uuid

import pytest

from services.farm.access import PERSONAL
from tests.farm.support import create_farm

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("clean_farms")]
FARMS = "/api/v1/farms"


def personal(farm: dict) -> tuple:
    return tuple(farm[name] for name in PERSONAL)


@pytest.mark.parametrize("anonymous_first", [True, False], ids=["anonymous-first", "signed-in-first"])
async def test_the_list_shows_contacts_to_signed_in_users_only(farm_api, tokens, anonymous_first) -> None:
    client, _ = farm_api
    owner = uuid.uuid4()
    farm = await create_farm(client, tokens, owner)
    shown = (str(owner), farm["contact_phone"], farm["contact_email"])
    signed_in = tokens.headers("consumer")
    queries = [{"limit": 5}, {"near": "34.57,126.6", "radius_km": 20}]
    for query in queries:
        order = [{}, signed_in] if anonymous_first else [signed_in, {}]
        answers = {}
        for _ in range(2):  # the second of each is served by the Redis cache
            for headers in order:
                answers[bool(headers)] = response = await client.get(FARMS, params=query, headers=headers)
                assert response.status_code == 200
        assert response.headers["x-cache"] == "HIT"
        (item,) = answers[False].json()["items"]
        assert personal(item) == (None, None, None)
        assert item["name"] == farm["name"] and item["id"] == farm["id"]
        assert answers[False].headers["cache-control"] == "public, max-age=60"
        assert answers[False].headers["vary"] == "Authorization"  # no shared cache gives it to a token
        (item,) = answers[True].json()["items"]
        assert personal(item) == shown
        assert answers[True].headers["cache-control"] == "private, max-age=60"
        assert answers[True].headers["etag"] != answers[False].headers["etag"]
        # The signed-in page's ETag does not make an anonymous caller's copy current, nor the reverse.
        for tag, headers in (
            (answers[True].headers["etag"], {}),
            (answers[False].headers["etag"], signed_in),
        ):
            again = await client.get(FARMS, params=query, headers={**headers, "If-None-Match": tag})
            assert again.status_code == 200 and len(again.json()["items"]) == 1


async def test_the_farm_page_shows_contacts_to_signed_in_users_only(farm_api, tokens) -> None:
    client, _ = farm_api
    owner = uuid.uuid4()
    farm = await create_farm(client, tokens, owner)
    url = f"{FARMS}/{farm['id']}"
    anonymous = await client.get(url)
    assert anonymous.status_code == 200
    assert personal(anonymous.json()) == (None, None, None)
    assert {k: v for k, v in anonymous.json().items() if k not in PERSONAL} == {
        k: v for k, v in farm.items() if k not in PERSONAL
    }
    assert anonymous.headers["cache-control"] == "public, max-age=60"
    assert anonymous.headers["vary"] == "Authorization"
    for role in ("consumer", "company", "farmer", "admin"):
        signed_in = await client.get(url, headers=tokens.headers(role))
        assert personal(signed_in.json()) == (str(owner), farm["contact_phone"], farm["contact_email"])
        assert signed_in.headers["cache-control"] == "private, max-age=60"
    owners = await client.get(url, headers=tokens.headers("farmer", owner))
    assert owners.json() == farm and owners.headers["etag"] == '"v1"'  # If-Match of an edit uses it
    # Each view has its own ETag: revalidating one view's copy in the other gets the other in full.
    assert anonymous.headers["etag"] == '"v1-anonymous"'
    crossed = await client.get(url, headers={"If-None-Match": '"v1"'})
    assert crossed.status_code == 200 and personal(crossed.json()) == (None, None, None)
    crossed = await client.get(url, headers={**tokens.headers(), "If-None-Match": '"v1-anonymous"'})
    assert crossed.status_code == 200 and personal(crossed.json())[0] == str(owner)
    same = await client.get(url, headers={"If-None-Match": '"v1-anonymous"'})
    assert same.status_code == 304
