"""``Idempotency-Key`` on trade creation, as docs/conventions.md ("Retried writes") says: a
retry returns the first response and creates nothing; the same key with another body is a
422; a retry sent while the first runs waits for it; concurrent duplicates make one trade;
a failed request keeps nothing; keys are the caller's and last 24 hours."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from fastapi import FastAPI

from pamtalk.db.statements import sql
from services.transaction import upkeep
from tests.transaction.conftest import Api
from tests.transaction.support import (
    API,
    User,
    add_farm,
    farm_row,
    publish_farm,
    published,
    set_clock,
    state_of,
    trade_body,
    trade_count,
)
from tests.waiting import eventually

pytestmark = pytest.mark.integration


def key() -> dict[str, str]:
    return {"Idempotency-Key": f"order-{uuid.uuid4()}"}


async def test_retry_with_the_same_key_returns_the_first_response(
    trade_api: Api, farm: str, farmer: User, buyer: User
) -> None:
    client, app = trade_api
    headers = {**buyer.headers, **key()}
    first = await client.post(API, json=trade_body(farm), headers=headers)
    assert first.status_code == 201 and "idempotent-replayed" not in first.headers
    await client.post(f"{API}/{first.json()['id']}/confirm", headers=farmer.headers)  # the trade moves on
    # the same body, written differently (key order, number formats, an explicit default)
    same = {**trade_body(farm), "quantity": 120.5, "unit_price": "2500.00", "quality_score": 80}
    again = await client.post(API, json=dict(reversed(list(same.items()))), headers=headers)
    assert again.status_code == 201 and again.headers["idempotent-replayed"] == "true"
    assert again.json() == first.json()  # the first response, status pending and all
    assert again.headers["location"] == first.headers["location"]
    assert await trade_count(app, buyer_id=buyer.id) == 1
    assert (
        len([e for e in await published(app, "transaction.created") if e.data["buyer_id"] == str(buyer.id)])
        == 1
    )


async def test_same_key_with_another_body_is_422(trade_api: Api, farm: str, buyer: User) -> None:
    client, app = trade_api
    headers = {**buyer.headers, **key()}
    assert (await client.post(API, json=trade_body(farm), headers=headers)).status_code == 201
    other = await client.post(API, json=trade_body(farm, quantity="999"), headers=headers)
    assert other.status_code == 422 and other.json()["type"].endswith("/idempotency-key-reused")
    assert await trade_count(app, buyer_id=buyer.id) == 1


async def test_concurrent_duplicates_make_one_trade(trade_api: Api, farm: str, buyer: User) -> None:
    client, app = trade_api
    headers = {**buyer.headers, **key()}
    responses = await asyncio.gather(
        *(client.post(API, json=trade_body(farm), headers=headers) for _ in range(6))
    )
    assert {r.status_code for r in responses} == {201}
    assert len({r.json()["id"] for r in responses}) == 1
    assert sum(r.headers.get("idempotent-replayed") == "true" for r in responses) == 5
    assert await trade_count(app, buyer_id=buyer.id) == 1


async def test_keys_belong_to_their_user(trade_api: Api, farm: str, buyer: User, stranger: User) -> None:
    client, _ = trade_api
    shared_key = key()
    mine = await client.post(API, json=trade_body(farm), headers={**buyer.headers, **shared_key})
    theirs = await client.post(API, json=trade_body(farm), headers={**stranger.headers, **shared_key})
    assert mine.status_code == theirs.status_code == 201
    assert mine.json()["id"] != theirs.json()["id"]


async def test_a_failed_request_does_not_burn_the_key(trade_api: Api, farmer: User, buyer: User) -> None:
    client, app = trade_api
    headers = {**buyer.headers, **key()}
    farm_id = uuid.uuid4()
    early = await client.post(API, json=trade_body(farm_id), headers=headers)
    assert early.status_code == 422 and early.json()["type"].endswith("/farm-unknown")
    await publish_farm(app, farm_id, farmer.id)  # the farm arrives; the client retries
    await eventually(lambda: farm_row(app, farm_id))
    retried = await client.post(API, json=trade_body(farm_id), headers=headers)
    assert retried.status_code == 201 and "idempotent-replayed" not in retried.headers


async def test_a_key_expires_after_24_hours(trade_api: Api, farm: str, buyer: User) -> None:
    client, app = trade_api
    headers = {**buyer.headers, **key()}
    first = await client.post(API, json=trade_body(farm), headers=headers)
    set_clock(app, datetime.now(UTC) + timedelta(hours=25))
    try:
        later = await client.post(API, json=trade_body(farm, quantity="3"), headers=headers)
    finally:
        set_clock(app, None)
    assert later.status_code == 201 and later.json()["id"] != first.json()["id"]


@pytest.mark.parametrize("bad", [b"", b"x" * 256, "ключ".encode(), b"two words"])
async def test_malformed_keys_are_422(trade_api: Api, farm: str, buyer: User, bad: bytes) -> None:
    client, app = trade_api
    response = await client.post(
        API,
        json=trade_body(farm),
        headers=[*((k.encode(), v.encode()) for k, v in buyer.headers.items()), (b"Idempotency-Key", bad)],
    )
    assert response.status_code == 422
    assert await trade_count(app, buyer_id=buyer.id) == 0


async def test_another_farm_id_is_another_body(trade_api: Api, farm: str, farmer: User, buyer: User) -> None:
    client, app = trade_api
    second_farm = await add_farm(app, farmer)
    headers = {**buyer.headers, **key()}
    assert (await client.post(API, json=trade_body(farm), headers=headers)).status_code == 201
    assert (await client.post(API, json=trade_body(second_farm), headers=headers)).status_code == 422


WAITING = sql(
    "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
    "WHERE NOT l.granted AND a.datname = current_database() AND l.locktype = :locktype"
)


async def waiting(app: FastAPI, locktype: str) -> bool:
    """Whether a session of this database waits for a lock of ``locktype``."""
    async with app.state.runtime.db.read() as read:
        return bool(await read.fetchval(WAITING, locktype=locktype))


async def test_a_retry_sent_while_the_first_request_runs_waits_for_it_then_replays(
    trade_api: Api, farm: str, buyer: User
) -> None:
    client, app = trade_api
    headers = {**buyer.headers, **key()}
    async with app.state.runtime.db.write() as tx:
        await tx.execute(sql("LOCK TABLE transactions IN SHARE MODE"))  # trades wait to be inserted
        first = asyncio.create_task(client.post(API, json=trade_body(farm), headers=headers))
        await eventually(lambda: waiting(app, "relation"))  # the first has claimed its key
        retry = asyncio.create_task(client.post(API, json=trade_body(farm), headers=headers))
        await eventually(lambda: waiting(app, "transactionid"))  # the retry waits for the first
        await asyncio.sleep(0.2)
        assert not first.done() and not retry.done()
    answered, replayed = await first, await retry
    assert answered.status_code == 201 and "idempotent-replayed" not in answered.headers
    assert replayed.status_code == 201 and replayed.headers["idempotent-replayed"] == "true"
    assert replayed.json() == answered.json() and replayed.headers["location"] == answered.headers["location"]
    assert await trade_count(app, buyer_id=buyer.id) == 1


KEYS_OF = sql("SELECT count(*) FROM idempotency_keys WHERE owner_id = :owner_id")


async def keys_of(app: FastAPI, owner: User) -> int:
    async with app.state.runtime.db.read() as read:
        count: int = await read.fetchval(KEYS_OF, owner_id=owner.id)
    return count


async def test_the_upkeep_forgets_keys_after_24_hours(trade_api: Api, farm: str, buyer: User) -> None:
    client, app = trade_api
    first = await client.post(API, json=trade_body(farm), headers={**buyer.headers, **key()})
    assert first.status_code == 201
    state = state_of(app)
    await upkeep.maintain(app.state.runtime.db, state)
    assert await keys_of(app, buyer) == 1  # kept while a retry may come
    set_clock(app, datetime.now(UTC) + timedelta(hours=24, minutes=1))
    try:
        await upkeep.maintain(app.state.runtime.db, state)
    finally:
        set_clock(app, None)
    assert await keys_of(app, buyer) == 0
