"""Farms sharded by id range (services/farm/shards.py) on real PostgreSQL instances of the
session's own: farms registered before the boundary stay in shard 1 (the service's database),
farms registered after it land on shard 2 (read on each instance directly), a farm page reads
one shard, the list (filters, geo search, keyset pages) is correct across shards, ESG
submissions live beside their farm, and a write to an unreachable shard is a 503 problem with
``Retry-After`` and nothing half-written."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx
import pytest

from gateway.datatier import Instance
from k8s.config import migration_command
from loadtests.tcp_proxy import free_port
from pamtalk.db.migrations import upgrade
from services.farm.app import create_app
from services.farm.ids import uuid7
from services.farm.shards import ShardError, ShardSpec, apply, boundary
from tests.conftest import service_client
from tests.farm.support import create_farm, esg_body, farm_body, page_through
from tests.pg_pair import TestPair
from tests.waiting import eventually

pytestmark = pytest.mark.integration
FARMS = "/api/v1/farms"
DATABASE = "pamtalk_shards"
# (region, latitude, longitude) of the farms registered on each side of the boundary
PAGE = "SELECT * FROM farm_svc.farms WHERE id = $1"
PAGE_PLAN = f"EXPLAIN {PAGE}"
SUBMISSIONS = "SELECT farm_id FROM farm_svc.esg_submissions_local WHERE farm_id = $1"
PLACES = [("Jeonnam", 34.57, 126.60), ("Gyeonggi", 37.27, 127.01), ("Jeonnam", 34.81, 126.39)]


async def _fetch(url: str, query: str, *args: Any) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(url)
    try:
        return await conn.fetch(query, *args)
    finally:
        await conn.close()


@pytest.fixture(scope="module")
async def sharded(
    replica_pair: TestPair, shard_instance: Instance, redis_url: str, tokens: Any
) -> AsyncIterator[dict[str, Any]]:
    """The farm service on its own database of the pair's primary, three farms registered,
    then shard 2 added at a boundary a moment ahead, then three more farms registered."""
    await asyncio.to_thread(replica_pair.primary.create_database, DATABASE)
    url = replica_pair.primary.url(DATABASE)
    await asyncio.to_thread(upgrade, "farm", url)
    shard_url = shard_instance.url()
    async with service_client(
        create_app, service="farm", database_url=url, redis_url=redis_url, tokens=tokens
    ) as (client, app):
        before = [await _register(client, tokens, place) for place in PLACES]
        begins = datetime.now(UTC) + timedelta(seconds=1)
        done = await apply(url, [ShardSpec(begins=begins, url=shard_url)])
        assert done and done[0].startswith("shard 2: ids from")
        # until the boundary has passed (a time, not a guess)
        await asyncio.sleep((begins - datetime.now(UTC)).total_seconds() + 0.01)
        after = [await _register(client, tokens, place) for place in PLACES]
        yield {
            "client": client,
            "app": app,
            "url": url,
            "shard_url": shard_url,
            "shard": shard_instance,
            "before": before,
            "after": after,
            "begins": begins,
            "redis_url": redis_url,
        }


async def _register(
    client: httpx.AsyncClient, tokens: Any, place: tuple[str, float, float]
) -> dict[str, Any]:
    region, lat, lon = place
    return await create_farm(client, tokens, region=region, latitude=lat, longitude=lon)


async def test_each_farm_lands_on_the_shard_of_its_id_range(sharded: dict[str, Any]) -> None:
    local = {str(r["id"]) for r in await _fetch(sharded["url"], "SELECT id FROM farm_svc.farms_local")}
    remote = {str(r["id"]) for r in await _fetch(sharded["shard_url"], "SELECT id FROM farm_svc.farms_local")}
    assert {f["id"] for f in sharded["before"]} <= local
    assert {f["id"] for f in sharded["after"]} <= remote
    assert not local & remote
    edge = boundary(sharded["begins"])
    assert all(uuid.UUID(f["id"]) >= edge for f in sharded["after"])


async def test_a_farm_page_reads_one_shard(sharded: dict[str, Any]) -> None:
    client = sharded["client"]
    for farm, scanned in ((sharded["before"][0], "farms_local"), (sharded["after"][0], "farms_shard_2")):
        page = await client.get(f"{FARMS}/{farm['id']}")
        assert page.status_code == 200 and page.json()["name"] == farm["name"]
        plan = await _fetch(
            sharded["url"], "EXPLAIN SELECT * FROM farm_svc.farms WHERE id = $1", uuid.UUID(farm["id"])
        )
        text = "\n".join(row[0] for row in plan)
        other = "farms_shard_2" if scanned == "farms_local" else "farms_local"
        assert scanned in text and other not in text, text


@asynccontextmanager
async def reading_shards(
    sharded: dict[str, Any], tokens: Any, begins: datetime
) -> AsyncIterator[httpx.AsyncClient]:
    """The farm service on the same database with a shard map naming shard 2 from ``begins``:
    its farm pages read that shard directly (services/farm/shard_reads.py)."""
    spec = ShardSpec(begins=begins, url=sharded["shard_url"])
    async with service_client(
        create_app,
        service="farm",
        database_url=sharded["url"],
        redis_url=sharded["redis_url"],
        tokens=tokens,
        shards=[spec],
        db_reconnect_seconds=0.5,
    ) as (client, _):
        yield client


@asynccontextmanager
async def foreign_server_unreachable(url: str) -> AsyncIterator[None]:
    """The primary's way to shard 2 (its postgres_fdw server) pointed at a closed port."""
    port = (await _fetch(url, "SELECT srvoptions FROM pg_foreign_server WHERE srvname = 'farm_shard_2'"))[0][
        0
    ]
    kept = next(option.split("=", 1)[1] for option in port if option.startswith("port="))
    await _fetch(url, f"ALTER SERVER farm_shard_2 OPTIONS (SET port '{free_port()}')")
    try:
        yield
    finally:
        await _fetch(url, f"ALTER SERVER farm_shard_2 OPTIONS (SET port '{kept}')")


async def test_a_farm_page_of_a_further_shard_is_read_on_that_shard(
    sharded: dict[str, Any], tokens: Any
) -> None:
    async with reading_shards(sharded, tokens, sharded["begins"]) as client:
        async with foreign_server_unreachable(sharded["url"]):
            # the one table cannot reach shard 2 now: the pages of its farms come from the shard
            with pytest.raises(asyncpg.PostgresError):
                await _fetch(sharded["url"], PAGE, uuid.UUID(sharded["after"][0]["id"]))
            for farm in (sharded["after"][0], sharded["before"][0]):
                page = await client.get(f"{FARMS}/{farm['id']}")
                assert page.status_code == 200, page.text
                assert page.json()["name"] == farm["name"] and page.json()["owner_id"] is None
                contact = await client.get(
                    f"{FARMS}/{farm['id']}/contact", headers=tokens.headers("consumer")
                )
                assert contact.status_code == 200 and contact.json()["owner_id"] == farm["owner_id"]
        missing = await client.get(f"{FARMS}/{uuid7()}")  # in shard 2's range, on no shard
        assert missing.status_code == 404

        await asyncio.to_thread(sharded["shard"].stop)
        try:  # shard 2 down: its pages are a 503 problem (as through the one table), shard 1's answer
            down = await client.get(f"{FARMS}/{sharded['after'][0]['id']}")
            assert down.status_code == 503, down.text
            assert down.headers["content-type"] == "application/problem+json"
            assert (await client.get(f"{FARMS}/{sharded['before'][1]['id']}")).status_code == 200
        finally:
            await asyncio.to_thread(sharded["shard"].start)


async def test_a_shard_map_ahead_of_the_database_still_finds_every_farm(
    sharded: dict[str, Any], tokens: Any
) -> None:
    """A map naming shard 2 from before the farms of shard 1 were made (the range not split
    there): their pages miss on the shard and are found through the one table."""
    async with reading_shards(sharded, tokens, sharded["begins"] - timedelta(hours=1)) as client:
        for farm in sharded["before"] + sharded["after"]:
            page = await client.get(f"{FARMS}/{farm['id']}")
            assert page.status_code == 200 and page.json()["id"] == farm["id"], page.text


async def test_the_list_is_correct_across_shards(sharded: dict[str, Any]) -> None:
    client = sharded["client"]
    mine = {f["id"] for f in sharded["before"] + sharded["after"]}
    pages = await page_through(client, {"limit": 2})
    listed = [item["id"] for page in pages for item in page if item["id"] in mine]
    assert listed == sorted(mine, key=uuid.UUID)  # keyset pages in id order, both shards
    jeonnam = [i["id"] for p in await page_through(client, {"region": "Jeonnam", "limit": 2}) for i in p]
    expected = {f["id"] for f in sharded["before"] + sharded["after"] if f["region"] == "Jeonnam"}
    assert expected <= set(jeonnam) and not ({f["id"] for f in sharded["after"]} - expected) & set(jeonnam)
    near = await page_through(client, {"near": "34.57,126.60", "radius_km": 50, "limit": 2})
    found = [i for p in near for i in p if i["id"] in mine]
    assert {i["id"] for i in found} == expected  # the Jeonnam farms of both shards, within 50 km
    distances = [i["distance_km"] for p in near for i in p]
    assert distances == sorted(distances)


async def test_esg_submissions_live_beside_their_farm(sharded: dict[str, Any], tokens: Any) -> None:
    client = sharded["client"]
    farm = sharded["after"][1]
    headers = tokens.headers("farmer", uuid.UUID(farm["owner_id"]))
    sent = await client.post(f"{FARMS}/{farm['id']}/esg", json=esg_body(), headers=headers)
    assert sent.status_code in (201, 202), sent.text
    rows = await _fetch(
        sharded["shard_url"],
        "SELECT farm_id FROM farm_svc.esg_submissions_local WHERE farm_id = $1",
        uuid.UUID(farm["id"]),
    )
    assert len(rows) == 1
    history = await client.get(f"{FARMS}/{farm['id']}/esg", headers=headers)
    assert history.status_code == 200 and len(history.json()["items"]) == 1


async def _waiting_for_a_lock(url: str) -> bool:
    query = "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
    return bool((await _fetch(url, query))[0][0])


async def _while_the_shard_changes_the_farm(
    sharded: dict[str, Any], farm: dict[str, Any], send: Callable[[], Awaitable[httpx.Response]]
) -> httpx.Response:
    """``send`` a request that locks the farm's row while a transaction on shard 2 holds a
    change of that row; the change commits once the request waits for it. Through postgres_fdw
    (a repeatable-read transaction on the shard) PostgreSQL then gives the request's transaction
    up (40001): the service has to make it again."""
    holder = await asyncpg.connect(sharded["shard_url"])
    try:
        change = holder.transaction()
        await change.start()
        await holder.execute(
            "UPDATE farm_svc.farms_local SET updated_at = now() WHERE id = $1", uuid.UUID(farm["id"])
        )
        sending = asyncio.create_task(send())
        await eventually(lambda: _waiting_for_a_lock(sharded["shard_url"]), within=30)  # it waits for the row
        await change.commit()
        return await asyncio.wait_for(sending, 60)
    finally:
        await holder.close()


async def test_an_esg_submission_meeting_a_change_of_its_farm_on_the_shard_is_made_again(
    sharded: dict[str, Any], tokens: Any
) -> None:
    """The submission locks its farm's row while the farm's grade may be moving (esg.scored)."""
    client, farm = sharded["client"], sharded["after"][2]
    headers = tokens.headers("farmer", uuid.UUID(farm["owner_id"]))
    answer = await _while_the_shard_changes_the_farm(
        sharded, farm, lambda: client.post(f"{FARMS}/{farm['id']}/esg", json=esg_body(), headers=headers)
    )
    assert answer.status_code == 202, answer.text
    stored = await _fetch(sharded["shard_url"], SUBMISSIONS, uuid.UUID(farm["id"]))
    assert len(stored) == 1  # made once: the given-up attempt kept nothing


async def test_an_edit_meeting_a_change_of_its_farm_on_the_shard_is_made_again(
    sharded: dict[str, Any], tokens: Any
) -> None:
    client, farm = sharded["client"], sharded["after"][1]
    headers = tokens.headers("farmer", uuid.UUID(farm["owner_id"]))
    before = (await client.get(f"{FARMS}/{farm['id']}", headers=headers)).json()["version"]
    name = f"Renamed {uuid.uuid4().hex[:6]}"
    answer = await _while_the_shard_changes_the_farm(
        sharded, farm, lambda: client.patch(f"{FARMS}/{farm['id']}", json={"name": name}, headers=headers)
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["name"] == name and answer.json()["version"] == before + 1  # one new version


async def test_applying_the_map_again_changes_nothing_and_no_row_is_ever_moved(
    sharded: dict[str, Any],
) -> None:
    spec = ShardSpec(begins=sharded["begins"], url=sharded["shard_url"])
    assert await apply(sharded["url"], [spec]) == [f"shard 2: in place ({sharded['shard_url']})"]
    partitions = "SELECT relname FROM pg_class WHERE relispartition ORDER BY relname"
    before = await _fetch(sharded["url"], partitions)
    # a shard 3 whose range would begin before farms already on shard 2
    crossed = ShardSpec(begins=sharded["begins"] + timedelta(milliseconds=1), url=sharded["shard_url"])
    with pytest.raises(ShardError, match="would have to move"):
        await apply(sharded["url"], [spec, crossed])
    moved = ShardSpec(begins=sharded["begins"] - timedelta(minutes=1), url=sharded["shard_url"])
    with pytest.raises(ShardError, match="cannot move"):  # shard 2's boundary, changed in the map
        await apply(sharded["url"], [moved])
    assert await _fetch(sharded["url"], partitions) == before
    assert len(await _fetch(sharded["shard_url"], "SELECT id FROM farm_svc.farms_local")) == len(
        sharded["after"]
    )


async def test_a_write_to_an_unreachable_shard_is_a_503_and_writes_nothing(
    sharded: dict[str, Any], tokens: Any
) -> None:
    client, shard = sharded["client"], sharded["shard"]
    outbox = "SELECT count(*) FROM farm_svc.outbox"
    events = (await _fetch(sharded["url"], outbox))[0][0]
    await asyncio.to_thread(shard.stop)
    try:
        owner = uuid.uuid4()
        answer = await client.post(FARMS, json=farm_body(), headers=tokens.headers("farmer", owner))
        assert answer.status_code == 503, answer.text
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.headers["Retry-After"]
        assert (await _fetch(sharded["url"], outbox))[0][0] == events  # no event of a farm not written
        old = await client.get(f"{FARMS}/{sharded['before'][0]['id']}")
        assert old.status_code == 200  # shard 1 still answers its pages
    finally:
        await asyncio.to_thread(shard.start)
    mine = await client.get(f"{FARMS}?mine=true", headers=tokens.headers("farmer", owner))
    assert mine.status_code == 200 and mine.json()["items"] == []


async def test_the_farm_migration_job_migrates_then_applies_the_shard_map(
    replica_pair: TestPair, shard_instance: Instance
) -> None:
    """What the farm's Kubernetes migration Job runs (k8s/config.py), with the variables its
    Secret gives: the farm's migrations, then the map; run again (every deploy), nothing moves."""
    main, remote = "pamtalk_job", "pamtalk_job_shard"
    await asyncio.to_thread(replica_pair.primary.create_database, main)
    await asyncio.to_thread(shard_instance.create_database, remote)
    begins = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    env = {
        **os.environ,
        "PAMTALK_FARM_DATABASE_URL": replica_pair.primary.url(main),
        "PAMTALK_FARM_SHARDS": json.dumps([{"begins": begins, "url": shard_instance.url(remote)}]),
    }
    command = [sys.executable, *migration_command("farm")[1:]]
    for expected in ("shard 2: ids from", "shard 2: in place"):
        done = await asyncio.to_thread(
            subprocess.run, command, env=env, capture_output=True, text=True, timeout=300, check=False
        )
        assert done.returncode == 0, done.stdout + done.stderr
        assert "migrated farm" in done.stdout and expected in done.stdout, done.stdout
    partitions = await _fetch(
        replica_pair.primary.url(main),
        "SELECT c.relkind::text AS relkind FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        "WHERE i.inhparent = 'farm_svc.farms'::regclass",
    )
    assert {r["relkind"] for r in partitions} == {"r", "f"}  # the local range and the foreign one
    tables = await _fetch(shard_instance.url(remote), "SELECT to_regclass('farm_svc.farms_local') AS t")
    assert tables[0]["t"] is not None
