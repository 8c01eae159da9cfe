"""The farm list: who sees what, each filter, keyset pages and "near me"."""

from __future__ import annotations

import uuid

import pytest

from services.farm.geo import haversine_py
from tests.farm.support import create_farm, deliver, page_through, scored_envelope

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("clean_farms")]
FARMS = "/api/v1/farms"
CITY_HALL = (37.5665, 126.9780)  # Seoul


def ids(items: list[dict]) -> list[str]:
    return [item["id"] for item in items]


async def test_public_sees_active_owner_sees_all_of_theirs(farm_api, tokens) -> None:
    client, _ = farm_api
    owner = uuid.uuid4()
    active = await create_farm(client, tokens, owner)
    hidden = await create_farm(client, tokens, owner)
    await client.post(f"{FARMS}/{hidden['id']}/deactivate", headers=tokens.headers("farmer", owner))
    other = await create_farm(client, tokens)

    public = (await client.get(FARMS)).json()["items"]
    assert ids(public) == [active["id"], other["id"]]
    mine = await client.get(FARMS, params={"mine": "true"}, headers=tokens.headers("farmer", owner))
    assert ids(mine.json()["items"]) == [active["id"], hidden["id"]]
    assert mine.headers["cache-control"].startswith("private") and "x-cache" not in mine.headers
    inactive = await client.get(
        FARMS, params={"mine": "true", "status": "inactive"}, headers=tokens.headers("farmer", owner)
    )
    assert ids(inactive.json()["items"]) == [hidden["id"]]

    assert (await client.get(FARMS, params={"mine": "true"})).status_code == 401
    assert (await client.get(FARMS, params={"status": "inactive"})).status_code == 403
    admin = await client.get(FARMS, params={"status": "inactive"}, headers=tokens.headers("admin"))
    assert admin.status_code == 200 and ids(admin.json()["items"]) == [hidden["id"]]


async def test_filters_region_crop_certification(farm_api, tokens) -> None:
    client, _ = farm_api
    jeju = await create_farm(
        client,
        tokens,
        region="Jeju",
        latitude=33.45,
        longitude=126.56,
        crops=["carrots"],
        certifications=["organic", "global_gap"],
    )
    gyeonggi = await create_farm(
        client,
        tokens,
        region="Gyeonggi",
        latitude=37.27,
        longitude=127.01,
        crops=["lettuce", "carrots"],
        certifications=["global_gap"],
    )
    rice = await create_farm(
        client, tokens, region="Gyeonggi", latitude=37.3, longitude=127.1, crops=["rice"], certifications=[]
    )

    async def listed(**params) -> list[str]:
        response = await client.get(FARMS, params=params)
        assert response.status_code == 200, response.text
        return ids(response.json()["items"])

    assert await listed(region="Gyeonggi") == [gyeonggi["id"], rice["id"]]
    assert await listed(crop="carrots") == [jeju["id"], gyeonggi["id"]]
    assert await listed(crop=["carrots", "lettuce"]) == [gyeonggi["id"]]  # all of them
    assert await listed(certification="global_gap") == [jeju["id"], gyeonggi["id"]]
    assert await listed(certification=["global_gap", "organic"]) == [jeju["id"]]
    assert await listed(region="Gyeonggi", crop="carrots", certification="global_gap") == [gyeonggi["id"]]
    assert await listed(region="Seoul") == []


async def test_min_grade(farm_api, tokens) -> None:
    client, app = farm_api
    gold = await create_farm(client, tokens)
    bronze = await create_farm(client, tokens)
    await create_farm(client, tokens)  # not assessed
    await deliver(app, scored_envelope(gold, "Gold", 84.0))
    await deliver(app, scored_envelope(bronze, "Bronze", 63.0))
    for grade, expected in (("Silver", [gold]), ("Bronze", [gold, bronze]), ("Platinum", [])):
        response = await client.get(FARMS, params={"min_grade": grade})
        assert ids(response.json()["items"]) == ids(expected), grade


async def test_pages_have_no_duplicates_or_gaps(farm_api, tokens) -> None:
    client, _ = farm_api
    created = [await create_farm(client, tokens, name=f"Farm {i}") for i in range(7)]
    pages = await page_through(client, {"limit": 3})
    assert [len(page) for page in pages] == [3, 3, 1]
    assert [item["id"] for page in pages for item in page] == ids(created)  # creation order

    first = (await client.get(FARMS, params={"limit": 4})).json()
    late = await create_farm(client, tokens, name="Late")  # registered while someone pages
    rest = await page_through(client, {"limit": 4, "cursor": first["next_cursor"]})
    seen = ids(first["items"]) + [item["id"] for page in rest for item in page]
    assert seen == [*ids(created), late["id"]]


@pytest.mark.parametrize("cursor", ["not base64!", "WzEsMl0", "WyJub3QtYS11dWlkIl0", "e30"])
async def test_bad_cursor_is_422(farm_api, cursor) -> None:
    client, _ = farm_api
    response = await client.get(FARMS, params={"cursor": cursor})
    assert response.status_code == 422 and response.json()["type"].endswith("/invalid-cursor")
    near = await client.get(FARMS, params={"cursor": cursor, "near": "37.5,127.0"})
    assert near.status_code == 422


async def test_near_me_orders_by_distance(farm_api, tokens) -> None:
    client, _ = farm_api
    lat, lon = CITY_HALL
    spots = {
        "Mapo": (37.5663, 126.9019),  # ~6.7 km
        "Jongno": (37.5730, 126.9794),  # ~0.7 km
        "Suwon": (37.2636, 127.0286),  # ~34 km
        "Incheon": (37.4563, 126.7052),  # ~27 km
        "Busan": (35.1796, 129.0756),  # ~325 km
    }
    farms = {
        name: await create_farm(client, tokens, name=name, latitude=a, longitude=b)
        for name, (a, b) in spots.items()
    }
    twin = await create_farm(client, tokens, name="Jongno twin", latitude=37.5730, longitude=126.9794)

    response = await client.get(FARMS, params={"near": f"{lat},{lon}", "radius_km": 30})
    items = response.json()["items"]
    assert [item["name"] for item in items] == ["Jongno", "Jongno twin", "Mapo", "Incheon"] or [
        item["name"] for item in items
    ] == ["Jongno twin", "Jongno", "Mapo", "Incheon"]
    for item in items:
        assert item["distance_km"] == pytest.approx(
            haversine_py(lat, lon, item["latitude"], item["longitude"]), abs=1e-6
        )
    tied = [item["id"] for item in items[:2]]
    assert tied == sorted(tied)  # equal distances: id order

    pages = await page_through(client, {"near": f"{lat},{lon}", "radius_km": 400, "limit": 2})
    names = [item["name"] for page in pages for item in page]
    assert len(names) == 6 and names[-1] == "Busan" and names[-2] == "Suwon"
    assert sorted(ids([item for page in pages for item in page])) == sorted(
        [*ids(farms.values()), twin["id"]]
    )

    default = await client.get(FARMS, params={"near": f"{lat},{lon}"})  # 10 km by default
    assert [item["name"] for item in default.json()["items"]][-1] == "Mapo"
