"""The list is cached in Redis (X-Cache) and invalidated by any change; responses carry
ETags (304 on If-None-Match) and a PATCH with a stale If-Match is refused (412)."""

from __future__ import annotations

import uuid

import pytest

from tests.farm.support import create_farm, deliver, scored_envelope

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("clean_farms")]
FARMS = "/api/v1/farms"


async def test_second_list_call_is_a_cache_hit(farm_api, tokens) -> None:
    client, _ = farm_api
    await create_farm(client, tokens)
    first = await client.get(FARMS, params={"region": "Jeonnam", "limit": 5})
    second = await client.get(FARMS, params={"limit": 5, "region": "Jeonnam"})  # same query, other order
    assert first.headers["x-cache"] == "MISS" and second.headers["x-cache"] == "HIT"
    assert second.content == first.content
    assert second.headers["cache-control"] == "public, max-age=60"
    logged_in = await client.get(
        FARMS, params={"region": "Jeonnam", "limit": 5}, headers=tokens.headers("consumer")
    )
    assert logged_in.headers["x-cache"] == "HIT"  # the public list is the same for everyone
    other = await client.get(FARMS, params={"region": "Jeonnam", "limit": 6})
    assert other.headers["x-cache"] == "MISS"


@pytest.mark.parametrize("change", ["patch", "deactivate", "register", "suspend", "scored"])
async def test_any_change_invalidates_the_list(farm_api, tokens, change) -> None:
    client, app = farm_api
    owner = uuid.uuid4()
    farm = await create_farm(client, tokens, owner)
    url, headers = f"{FARMS}/{farm['id']}", tokens.headers("farmer", owner)
    await client.get(FARMS)
    assert (await client.get(FARMS)).headers["x-cache"] == "HIT"
    if change == "patch":
        assert (await client.patch(url, json={"name": "Renamed"}, headers=headers)).status_code == 200
    elif change == "deactivate":
        await client.post(f"{url}/deactivate", headers=headers)
    elif change == "register":
        await create_farm(client, tokens)
    elif change == "suspend":
        await client.post(f"{url}/suspend", headers=tokens.headers("admin"))
    else:
        await deliver(app, scored_envelope(farm, "Silver", 72.0))
    after = await client.get(FARMS)
    assert after.headers["x-cache"] == "MISS"
    items = after.json()["items"]
    expected = {
        "patch": lambda: items[0]["name"] == "Renamed",
        "deactivate": lambda: items == [],
        "register": lambda: len(items) == 2,
        "suspend": lambda: items == [],
        "scored": lambda: items[0]["esg_grade"] == "Silver",
    }[change]
    assert expected(), items


async def test_farm_etag_and_304(farm_api, tokens) -> None:
    client, _ = farm_api
    owner = uuid.uuid4()
    farm = await create_farm(client, tokens, owner)
    url, headers = f"{FARMS}/{farm['id']}", tokens.headers()
    first = await client.get(url, headers=headers)
    tag = first.headers["etag"]
    assert tag == '"v1"'
    cached = await client.get(url, headers={**headers, "If-None-Match": tag})
    assert cached.status_code == 304 and cached.content == b"" and cached.headers["etag"] == tag
    assert (await client.get(url, headers={**headers, "If-None-Match": f'"v0", W/{tag}'})).status_code == 304
    await client.patch(url, json={"size_ha": 20}, headers=tokens.headers("farmer", owner))
    fresh = await client.get(url, headers={**headers, "If-None-Match": tag})
    assert fresh.status_code == 200 and fresh.json()["size_ha"] == 20 and fresh.headers["etag"] == '"v2"'


async def test_list_etag_and_304(farm_api, tokens) -> None:
    client, _ = farm_api
    await create_farm(client, tokens)
    first = await client.get(FARMS)
    again = await client.get(FARMS, headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304


async def test_stale_if_match_is_412(farm_api, tokens) -> None:
    client, _ = farm_api
    owner = uuid.uuid4()
    farm = await create_farm(client, tokens, owner)
    url, headers = f"{FARMS}/{farm['id']}", tokens.headers("farmer", owner)
    ok = await client.patch(url, json={"name": "One"}, headers={**headers, "If-Match": '"v1"'})
    assert ok.status_code == 200 and ok.headers["etag"] == '"v2"'
    stale = await client.patch(url, json={"name": "Two"}, headers={**headers, "If-Match": '"v1"'})
    assert stale.status_code == 412 and stale.headers["etag"] == '"v2"'
    assert (await client.get(url)).json()["name"] == "One"
    anything = await client.patch(url, json={"name": "Three"}, headers={**headers, "If-Match": "*"})
    assert anything.status_code == 200
