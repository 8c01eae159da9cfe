"""The hot paths write farms from plain rows: the JSON is byte for byte what pydantic
writes from the stored farm (FarmOut), and a list shape's statement names exactly the values
the query gives it (one statement text, prepared once, per shape)."""

from __future__ import annotations

import uuid
from typing import Any

import orjson
import pytest
from fastapi import FastAPI

from pamtalk.db.statements import sql
from pamtalk.pagination import encode_cursor
from services.farm.access import PERSONAL
from services.farm.esg import submission_out
from services.farm.list_cache import cache_key
from services.farm.listing import ListQuery, params_of
from services.farm.schemas import FarmOut
from services.farm.store.farms import page, page_statement
from tests.farm.support import create_farm, deliver, esg_body, farm_body, scored_envelope

FARMS = "/api/v1/farms"


# The whole stored rows (not the store's column lists: those are what is checked).
FARM = sql("SELECT * FROM farms WHERE id = :id")
SUBMISSION = sql("SELECT * FROM esg_submissions WHERE id = :id")


async def pydantic_json(app: FastAPI, farm_id: str, **update: Any) -> bytes:
    async with app.state.runtime.db.read() as read:
        farm = await read.fetchrow(FARM, id=uuid.UUID(farm_id))
    out = FarmOut.model_validate(dict(farm)).model_copy(update=update)
    return orjson.dumps(out.model_dump(mode="json"))


def item_json(body: bytes, index: int = 0) -> bytes:
    return orjson.dumps(orjson.loads(body)["items"][index])


@pytest.mark.integration
@pytest.mark.usefixtures("clean_farms")
async def test_farm_json_is_what_pydantic_writes(farm_api, tokens) -> None:
    client, app = farm_api
    owner = uuid.uuid4()
    farm = await create_farm(client, tokens, owner, size_ha=0.1 + 0.2, latitude=37.0, crops=["rice"])
    plain = await create_farm(client, tokens, address=None, wallet_address=None, certifications=[])
    await deliver(app, scored_envelope(farm, "Gold", 84.25))
    farm_bytes = await pydantic_json(app, farm["id"])
    assert b'"esg_grade":"Gold"' in farm_bytes and b'Z"' in farm_bytes

    hidden = dict.fromkeys(PERSONAL)  # public answers carry no personal data, whoever asks
    for headers in (tokens.headers(), {}):
        farm_bytes = await pydantic_json(app, farm["id"], **hidden)
        page = await client.get(f"{FARMS}/{farm['id']}", headers=headers)
        assert page.content == farm_bytes
        plain_bytes = await pydantic_json(app, plain["id"], **hidden)
        assert (await client.get(f"{FARMS}/{plain['id']}", headers=headers)).content == plain_bytes

        listed = await client.get(FARMS, params={"limit": 1}, headers=headers)
        assert item_json(listed.content) == farm_bytes
        near_me = {"near": "37.0,126.6", "radius_km": 100, "crop": "rice"}
        near = await client.get(FARMS, params=near_me, headers=headers)
        distance = orjson.loads(near.content)["items"][0]["distance_km"]
        assert item_json(near.content) == await pydantic_json(app, farm["id"], distance_km=distance, **hidden)


@pytest.mark.integration
async def test_written_farm_and_submission_are_what_pydantic_writes(farm_api, tokens) -> None:
    client, app = farm_api
    owner = uuid.uuid4()
    created = await client.post(FARMS, json=farm_body(size_ha=7), headers=tokens.headers("farmer", owner))
    farm_id = created.json()["id"]
    assert created.status_code == 201 and created.content == await pydantic_json(app, farm_id)
    assert created.headers["location"] == f"{FARMS}/{farm_id}" and created.headers["etag"] == '"v1"'
    assert created.headers["cache-control"] == "private, no-store"
    url, headers = f"{FARMS}/{farm_id}", tokens.headers("farmer", owner)
    edited = await client.patch(url, json={"size_ha": 7.25, "address": None}, headers=headers)
    assert edited.status_code == 200 and edited.content == await pydantic_json(app, farm_id)
    assert edited.headers["etag"] == '"v2"' and edited.headers["cache-control"] == "private, no-store"
    unchanged = await client.patch(url, json={"size_ha": 7.25}, headers=headers)
    assert unchanged.content == edited.content
    deactivated = await client.post(f"{url}/deactivate", headers=headers)
    assert deactivated.content == await pydantic_json(app, farm_id) and deactivated.headers["etag"] == '"v3"'

    submitted = await client.post(
        f"{FARMS}/{farm_id}/esg",
        json=esg_body(renewable_energy_percentage=40),
        headers=tokens.headers("farmer", owner),
    )
    assert submitted.status_code == 202
    async with app.state.runtime.db.read() as read:
        stored = await read.fetchrow(SUBMISSION, id=uuid.UUID(submitted.json()["id"]))
    assert submitted.content == orjson.dumps(submission_out(stored).model_dump(mode="json"))


QUERIES = [
    ListQuery(statuses=("active",)),
    ListQuery(statuses=("active", "inactive", "suspended"), owner_id=uuid.uuid4()),
    ListQuery(statuses=("active",), region="Jeju", crops=("rice", "carrots"), certifications=("organic",)),
    ListQuery(
        statuses=("active",),
        min_grade="Gold",
        cursor=encode_cursor(uuid.uuid4()),
    ),
    ListQuery(statuses=("active",), near=(37.5, 127.0), radius_km=10.0, limit=5),
    ListQuery(
        statuses=("active",),
        near=(33.4, 126.5),
        radius_km=80.0,
        crops=("rice",),
        cursor=encode_cursor(1.5, uuid.uuid4()),
    ),
]


@pytest.mark.parametrize("query", QUERIES)
def test_a_shape_names_exactly_its_values(query: ListQuery) -> None:
    params = params_of(query)
    statement = page_statement(frozenset(params))
    assert set(statement.names) == set(params)  # every value is a named parameter, and none is unused
    texts = [str(v) for v in params.values() if isinstance(v, str | uuid.UUID)]
    assert texts and not [text for text in texts if text in statement.text]  # values are never in the text


@pytest.mark.integration
@pytest.mark.parametrize("query", QUERIES)
async def test_every_shape_gives_farm_rows(farm_api, query: ListQuery) -> None:
    """Each shape's statement is valid SQL whose result columns are FarmOut's fields, in order."""
    _, app = farm_api
    async with app.state.runtime.db.read() as read:
        prepared = await read.conn.prepare(page_statement(frozenset(params_of(query))).text)
        columns = [column.name for column in prepared.get_attributes()]
        await page(read, params_of(query))
    assert columns == [*FarmOut.model_fields]


def test_cache_keys_stay_as_they_were() -> None:
    """Replicas of two versions share the Redis list cache during a rollout: a page's key
    (and its bytes, tested above) must not change with the code that computes them."""
    query = ListQuery(
        statuses=("active",),
        region="Jeju",
        crops=("rice", "carrots"),
        certifications=("organic",),
        min_grade="Gold",
        owner_id=uuid.UUID(int=7),
        near=(33.4, 126.5),
        radius_km=80.0,
        cursor="abc",
        limit=7,
    )
    assert cache_key(query.normalized()) == "85f80ea5f261dacd80ea86645548b83f"
    assert cache_key(ListQuery(statuses=("active",)).normalized()) == "7890ece96917ecd83cfdd15d0bd6ab0d"
    # Pages without the owners' contacts got keys of their own (``public`` is in the key): a
    # replica of the earlier version, whose pages carried them, never serves one to the new.
    earlier = ("d1a7c3731ad8f8a928da58d7a1f702d2", "91b82029f30fcc5e0b19e32a1542e84e")
    now = {cache_key(query.normalized()), cache_key(ListQuery(statuses=("active",)).normalized())}
    assert not now & set(earlier)
