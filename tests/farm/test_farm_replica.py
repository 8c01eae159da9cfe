"""The farm service with a streaming read replica (the session's own primary + hot standby,
tests/pg_pair.py): a farm page is read on the standby (while its replay is paused, strangers
do not see a new farm yet), its owner sees it at once (read-your-writes: the bounded wait,
then the primary); a replica that does not answer at start-up is named by ``/readyz`` and its
reads go to the primary without an error."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from pamtalk.db.migrations import upgrade
from services.farm.app import create_app
from tests.conftest import service_client
from tests.farm.support import create_farm
from tests.live_server import free_port
from tests.pg_pair import TestPair

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
async def farm_db(replica_pair: TestPair) -> str:
    url = replica_pair.primary.url()
    await asyncio.to_thread(upgrade, "farm", url)
    return url


def farm_service(
    farm_db: str, replica_url: str, redis_url: str, tokens: Any
) -> AbstractAsyncContextManager[tuple[httpx.AsyncClient, FastAPI]]:
    return service_client(
        create_app,
        service="farm",
        database_url=farm_db,
        replica_url=replica_url,
        redis_url=redis_url,
        tokens=tokens,
    )


@pytest.fixture
async def farm_replicated(
    farm_db: str, replica_pair: TestPair, redis_url: str, tokens: Any
) -> AsyncIterator[tuple[httpx.AsyncClient, FastAPI]]:
    async with farm_service(farm_db, replica_pair.standby.url(), redis_url, tokens) as pair:
        replica = pair[1].state.runtime.db.replica
        deadline = asyncio.get_running_loop().time() + 60
        while not replica.usable:  # the watcher's first look
            assert asyncio.get_running_loop().time() < deadline, "the replica never became usable"
            await asyncio.sleep(0.05)
        yield pair
    await replica_pair.resume_replay()


async def test_a_farm_page_is_read_on_the_standby_and_its_owner_sees_a_new_farm_at_once(
    farm_replicated: tuple[httpx.AsyncClient, FastAPI], replica_pair: TestPair, tokens: Any
) -> None:
    client, _ = farm_replicated
    owner = uuid.uuid4()
    await replica_pair.pause_replay()
    farm = await create_farm(client, tokens, owner=owner)
    page = f"/api/v1/farms/{farm['id']}"
    mine = await client.get(page, headers=tokens.headers("farmer", owner))
    assert mine.status_code == 200 and mine.json()["id"] == farm["id"]  # read-your-writes
    stranger = await client.get(page, headers=tokens.headers("consumer"))
    assert stranger.status_code == 404  # the standby served it: replay is paused
    await replica_pair.resume_replay()
    deadline = asyncio.get_running_loop().time() + 60
    while (await client.get(page)).status_code != 200:
        assert asyncio.get_running_loop().time() < deadline, "the standby never showed the farm"
        await asyncio.sleep(0.05)


async def test_a_replica_that_does_not_answer_is_named_and_its_reads_go_to_the_primary(
    farm_db: str, redis_url: str, tokens: Any
) -> None:
    nowhere = f"postgresql://postgres@127.0.0.1:{free_port()}/pamtalk"
    async with farm_service(farm_db, nowhere, redis_url, tokens) as (client, _):
        ready = await client.get("/readyz")
        assert ready.status_code == 200
        assert ready.json()["checks"]["replica"].startswith("not answering")
        farm = await create_farm(client, tokens)
        page = await client.get(f"/api/v1/farms/{farm['id']}")
        assert page.status_code == 200 and page.json()["id"] == farm["id"]
        listed = await client.get("/api/v1/farms")
        assert listed.status_code == 200


async def test_the_standby_stopped_under_load_fails_no_request(
    farm_replicated: tuple[httpx.AsyncClient, FastAPI], replica_pair: TestPair, tokens: Any
) -> None:
    client, app = farm_replicated
    replica = app.state.runtime.db.replica
    farm = await create_farm(client, tokens)
    page = f"/api/v1/farms/{farm['id']}"
    deadline = asyncio.get_running_loop().time() + 60
    while (await client.get(page)).status_code != 200:  # the standby shows it
        assert asyncio.get_running_loop().time() < deadline
        await asyncio.sleep(0.05)
    statuses: list[int] = []
    stop = asyncio.Event()

    async def reader() -> None:
        while not stop.is_set():
            statuses.append((await client.get(page)).status_code)

    readers = [asyncio.create_task(reader()) for _ in range(8)]
    try:
        while len(statuses) < 50:  # under load before the stop
            assert asyncio.get_running_loop().time() < deadline
            await asyncio.sleep(0.01)
        await replica_pair.stop_standby()
        stopped_at = len(statuses)
        while len(statuses) < stopped_at + 100 or replica.up:  # reads go on, the watcher notices
            assert asyncio.get_running_loop().time() < deadline + 60
            await asyncio.sleep(0.01)
    finally:
        try:
            stop.set()
            await asyncio.gather(*readers)
        finally:
            await replica_pair.start_standby()
    assert set(statuses) == {200}, {s: statuses.count(s) for s in set(statuses)}
    while not replica.usable:  # and back
        assert asyncio.get_running_loop().time() < deadline + 120
        await asyncio.sleep(0.05)
    assert (await client.get(page)).status_code == 200
