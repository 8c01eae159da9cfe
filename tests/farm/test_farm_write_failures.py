"""A database error in the middle of a write (registering a farm, submitting ESG data) is a
problem response and leaves nothing half-written: no farm, no submission, no outbox row, and
the cached list pages stay (they are invalidated only once a change has committed)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from fastapi import FastAPI

from pamtalk.db.statements import sql
from tests.farm.support import create_farm, esg_body, farm_body, published

pytestmark = pytest.mark.integration
FARMS = "/api/v1/farms"
NUL = "Haenam \x00 Farm"  # valid JSON, valid for the schema; PostgreSQL cannot store it


EVENTS_OF = sql("SELECT routing_key FROM outbox WHERE envelope->'data'->>'owner_id' = :owner ORDER BY id")


async def _events_of(app: FastAPI, owner: uuid.UUID) -> list[str]:
    """Types of the outbox rows (published or not) about the owner's farms, oldest first."""
    async with app.state.runtime.db.read() as read:
        rows = await read.fetch(EVENTS_OF, owner=str(owner))
    return [row["routing_key"] for row in rows]


async def _farms_of(client: Any, tokens: Any, owner: uuid.UUID) -> list[dict[str, Any]]:
    mine = await client.get(FARMS, params={"mine": "true"}, headers=tokens.headers("farmer", owner))
    assert mine.status_code == 200
    items: list[dict[str, Any]] = mine.json()["items"]
    return items


@asynccontextmanager
async def refused_events(app: FastAPI, owner: uuid.UUID) -> AsyncIterator[None]:
    """While open, the outbox refuses (an exception in a trigger) any event about the
    owner's farms: the write fails after its own statements have run."""
    name = f"refuse_{owner.hex}"
    async with app.state.runtime.db.write() as tx:
        await tx.execute(
            sql(
                f"CREATE FUNCTION farm_svc.{name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                f"IF NEW.envelope->'data'->>'owner_id' = '{owner}' THEN RAISE EXCEPTION 'refused'; END IF; "
                "RETURN NEW; END $$"
            )
        )
        await tx.execute(
            sql(
                f"CREATE TRIGGER {name} BEFORE INSERT ON outbox "
                f"FOR EACH ROW EXECUTE FUNCTION farm_svc.{name}()"
            )
        )
    try:
        yield
    finally:
        async with app.state.runtime.db.write() as tx:
            await tx.execute(sql(f"DROP TRIGGER {name} ON outbox"))
            await tx.execute(sql(f"DROP FUNCTION farm_svc.{name}()"))


async def _list_is_cached(client: Any) -> bool:
    return (await client.get(FARMS)).headers["x-cache"] == "HIT"


async def test_unstorable_text_in_a_registration_is_422_and_writes_nothing(farm_api, tokens) -> None:
    client, app = farm_api
    owner = uuid.uuid4()
    headers = tokens.headers("farmer", owner)
    await client.get(FARMS)
    assert await _list_is_cached(client)
    for field in ("name", "address"):
        failed = await client.post(FARMS, json=farm_body(**{field: NUL}), headers=headers)
        assert failed.status_code == 422, failed.text
        assert failed.headers["content-type"] == "application/problem+json"
        assert failed.json()["type"].endswith("/invalid-text")
    assert await _farms_of(client, tokens, owner) == []
    assert await _events_of(app, owner) == []
    assert await _list_is_cached(client)  # nothing committed, nothing invalidated


async def test_a_database_error_after_the_farm_insert_leaves_no_farm_and_no_event(farm_api, tokens) -> None:
    client, app = farm_api
    owner = uuid.uuid4()
    headers = tokens.headers("farmer", owner)
    await client.get(FARMS)
    async with refused_events(app, owner):
        failed = await client.post(FARMS, json=farm_body(), headers=headers)
        assert failed.status_code == 500 and failed.headers["content-type"] == "application/problem+json"
    assert await _farms_of(client, tokens, owner) == []
    assert await _events_of(app, owner) == []
    assert await _list_is_cached(client)

    farm = await create_farm(client, tokens, owner)  # the same request once the outbox takes it
    assert [f["id"] for f in await _farms_of(client, tokens, owner)] == [farm["id"]]
    assert await _events_of(app, owner) == ["farm.registered"]
    assert not await _list_is_cached(client)  # the registration invalidated the pages


async def test_a_database_error_after_the_submission_insert_stores_nothing(farm_api, tokens) -> None:
    client, app = farm_api
    owner = uuid.uuid4()
    farm = await create_farm(client, tokens, owner)
    url, headers = f"{FARMS}/{farm['id']}/esg", tokens.headers("farmer", owner)
    async with refused_events(app, owner):
        failed = await client.post(url, json=esg_body(), headers=headers)
        assert failed.status_code == 500 and failed.headers["content-type"] == "application/problem+json"
    assert (await client.get(url, headers=headers)).json()["items"] == []
    assert await _events_of(app, owner) == ["farm.registered"]

    submitted = await client.post(url, json=esg_body(), headers=headers)
    assert submitted.status_code == 202, submitted.text
    assert await _events_of(app, owner) == ["farm.registered", "farm.esg_submitted"]


async def test_the_submission_as_answered_is_the_one_stored_and_published(farm_api, tokens) -> None:
    client, app = farm_api
    owner = uuid.uuid4()
    farm = await create_farm(client, tokens, owner)
    url, headers = f"{FARMS}/{farm['id']}/esg", tokens.headers("farmer", owner)
    submitted = await client.post(url, json=esg_body(carbon_emissions=1e-7), headers=headers)
    assert submitted.status_code == 202 and "location" not in submitted.headers
    body = submitted.json()
    assert list(body) == ["id", "farm_id", "submitted_by", "submitted_at", "status", "data", "assessment"]
    assert body["farm_id"] == farm["id"] and body["submitted_by"] == str(owner)
    [stored] = (await client.get(url, headers=headers)).json()["items"]
    assert stored == body
    [event] = await published(app, "farm.esg_submitted", farm["id"])
    assert event["submission_id"] == body["id"] and event["esg"] == body["data"]
