"""The kit's ``Idempotency-Key``, against the real PostgreSQL: the behaviour every service's
retried writes share (docs/conventions.md, "Retried writes")."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Column, Integer, MetaData, Table

from pamtalk.db.database import Database
from pamtalk.db.statements import Sql, sql
from pamtalk.errors import Problem
from pamtalk.idempotency import IdempotentRequest, Replay, idempotency_table, prune, request_digest
from tests.kit.db_support import scratch_schema

pytestmark = pytest.mark.integration

WRITE = sql("INSERT INTO writes (amount) VALUES (:amount) RETURNING id")
WRITES = sql("SELECT count(*) FROM writes")
KEYS = sql("SELECT count(*) FROM idempotency_keys")


def writes(metadata: MetaData) -> Table:
    return Table("writes", metadata, Column("id", Integer, primary_key=True), Column("amount", Integer))


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    async with scratch_schema(database_url, idempotency_table, writes, pool_size=4) as database:
        yield database


async def transfer(
    db: Database, request: IdempotentRequest, amount: int, *, now: datetime | None = None, fail: bool = False
) -> Replay:
    """A write as a service does it: claim, write, remember, all in one transaction."""
    async with db.write() as tx:
        if (replay := await request.claim(tx, now or datetime.now(UTC))) is not None:
            return replay
        written = await tx.fetchval(WRITE, amount=amount)
        body = {"id": written, "amount": amount}
        if fail:
            raise Problem(409, "refused after the write")
        await request.remember(tx, 201, body)
    return Replay(201, body)


async def count(db: Database, statement: Sql = WRITES) -> int:
    async with db.read() as read:
        return int(await read.fetchval(statement))


def request(owner: uuid.UUID, key: str | None, amount: int, operation: str = "transfer") -> IdempotentRequest:
    return IdempotentRequest.of(owner, key, operation, {"amount": amount})


async def test_a_retry_gets_the_first_response_and_writes_nothing(db: Database) -> None:
    owner = uuid.uuid4()
    first = await transfer(db, request(owner, "k1", 5), 5)
    again = await transfer(db, request(owner, "k1", 5), 5)
    assert again == first
    assert again.response().headers["Idempotent-Replayed"] == "true"
    assert await count(db) == 1


async def test_the_same_key_with_another_request_is_422(db: Database) -> None:
    owner = uuid.uuid4()
    await transfer(db, request(owner, "k1", 5), 5)
    for other in (request(owner, "k1", 6), request(owner, "k1", 5, operation="redeem")):
        with pytest.raises(Problem) as refused:
            await transfer(db, other, 6)
        assert refused.value.status == 422 and refused.value.type == "idempotency-key-reused"
    assert await count(db) == 1


async def test_keys_belong_to_their_caller_and_no_key_means_no_memory(db: Database) -> None:
    await transfer(db, request(uuid.uuid4(), "shared", 5), 5)
    await transfer(db, request(uuid.uuid4(), "shared", 5), 5)  # another caller, same key
    owner = uuid.uuid4()
    await transfer(db, request(owner, None, 5), 5)
    await transfer(db, request(owner, None, 5), 5)
    assert await count(db) == 4
    assert await count(db, KEYS) == 2


async def test_a_failed_request_keeps_nothing_and_its_retry_is_judged_afresh(db: Database) -> None:
    owner = uuid.uuid4()
    with pytest.raises(Problem):
        await transfer(db, request(owner, "k1", 5), 5, fail=True)
    assert await count(db) == 0 and await count(db, KEYS) == 0
    done = await transfer(db, request(owner, "k1", 7), 7)  # another body is fine: nothing was kept
    assert done.body["amount"] == 7


async def test_a_concurrent_retry_waits_for_the_first_and_replays_it(db: Database) -> None:
    owner = uuid.uuid4()
    first_claimed = asyncio.Event()
    release = asyncio.Event()

    async def slow_first() -> Replay:
        async with db.write() as tx:
            assert await request(owner, "k1", 5).claim(tx, datetime.now(UTC)) is None
            first_claimed.set()
            await release.wait()  # the key's row is held, uncommitted
            written = await tx.fetchval(WRITE, amount=5)
            await request(owner, "k1", 5).remember(tx, 201, {"id": written, "amount": 5})
        return Replay(201, {"id": written, "amount": 5})

    first = asyncio.create_task(slow_first())
    await first_claimed.wait()
    retry = asyncio.create_task(transfer(db, request(owner, "k1", 5), 5))
    await asyncio.sleep(0.2)
    assert not retry.done()  # it waits on the key, it does not write
    release.set()
    assert await retry == await first
    assert await count(db) == 1


async def test_an_expired_key_is_new_again_and_prune_forgets_old_keys(db: Database) -> None:
    owner = uuid.uuid4()
    long_ago = datetime.now(UTC) - timedelta(days=2)
    await transfer(db, request(owner, "old", 5), 5, now=long_ago)
    renewed = await transfer(db, request(owner, "old", 9), 9)  # expired: another request is fine
    assert renewed.body["amount"] == 9
    await transfer(db, request(owner, "older", 1), 1, now=long_ago)
    async with db.write() as tx:
        assert await prune(tx, datetime.now(UTC) - timedelta(days=1)) == 1
    assert await count(db, KEYS) == 1


def test_the_same_request_spelled_differently_has_one_digest() -> None:
    assert request_digest("open", {"price": 2500, "q": [1.0]}) == request_digest(
        "open", {"q": [1], "price": 2500.00}
    )
    assert request_digest("open", {"price": 2500}) != request_digest("open", {"price": 2501})
    assert request_digest("open", {"price": 2500}) != request_digest("close", {"price": 2500})


async def test_a_response_with_integers_beyond_64_bits_is_remembered_and_replayed(db: Database) -> None:
    owner, huge = uuid.uuid4(), 2**70  # micro-DC amounts can be this large
    request_ = request(owner, "big", 1)
    async with db.write() as tx:
        assert await request_.claim(tx, datetime.now(UTC)) is None
        await request_.remember(tx, 201, {"amount": huge})
    async with db.write() as tx:
        replay = await request_.claim(tx, datetime.now(UTC))
    assert replay is not None and replay.body == {"amount": huge}
    assert replay.response().body == b'{"amount":1180591620717411303424}'
