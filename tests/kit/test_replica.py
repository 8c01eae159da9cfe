"""Reads of role "replica" against a real streaming hot standby (the session's own pair,
tests/pg_pair.py): served by the standby (shown by pausing its replay: they see the past),
read-your-writes for the writer (bounded wait, else the primary), the primary while the
standby lags more than allowed or does not answer, and back once it has recovered."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from prometheus_client import REGISTRY
from redis.asyncio import Redis
from sqlalchemy import Column, MetaData, Table, Text, Uuid

from pamtalk.context import user_id_var
from pamtalk.db.database import Database
from pamtalk.db.statements import sql
from tests.kit.db_support import scratch_schema
from tests.pg_pair import TestPair

pytestmark = pytest.mark.integration

ADD = sql("INSERT INTO notes (id, text) VALUES (:id, :text)")
ONE = sql("SELECT text FROM notes WHERE id = :id")
SERVER = sql("SELECT pg_is_in_recovery()")
DEADLINE = 60.0


def notes(metadata: MetaData) -> Table:
    return Table(
        "notes", metadata, Column("id", Uuid, primary_key=True), Column("text", Text, nullable=False)
    )


async def until(check: Callable[[], Awaitable[bool] | bool], what: str, within: float = DEADLINE) -> None:
    """Wait for ``check`` to hold, looking again after every watcher sample (or 50 ms)."""
    deadline = asyncio.get_running_loop().time() + within
    while True:
        result = check()
        if not isinstance(result, bool):
            result = await result
        if result:
            return
        assert asyncio.get_running_loop().time() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.05)


@pytest.fixture
async def primary(replica_pair: TestPair) -> AsyncIterator[Database]:
    async with scratch_schema(replica_pair.primary.url(), notes) as database:
        yield database


@pytest.fixture
async def redis(redis_url: str) -> AsyncIterator[Redis]:
    client = Redis.from_url(redis_url)
    yield client
    await client.aclose()


@pytest.fixture
async def replicated(
    primary: Database, replica_pair: TestPair, redis: Redis
) -> AsyncIterator[Callable[..., Awaitable[Database]]]:
    """A ``Database`` on the scratch schema with the standby as its replica (watched every
    0.1 s), once the standby shows the schema."""
    made: list[Database] = []

    async def make(max_lag: float = 60.0, wait: float = 0.25, own_writes: bool = True) -> Database:
        db = Database(primary.url, primary.schema, producer=f"kit-{uuid.uuid4().hex[:6]}", pool_size=3)
        replica = db.attach_replica(
            replica_pair.standby.url(),
            redis=redis,
            max_lag=max_lag,
            wait=wait,
            watch_seconds=0.1,
            own_writes=own_writes,
        )
        made.append(db)
        db.start_replica()
        await until(lambda: replica.usable and replica.lag == 0, "the standby to catch up")
        return db

    yield make
    for db in made:
        await db.close()


@pytest.fixture(autouse=True)
async def replay_resumed(replica_pair: TestPair) -> AsyncIterator[None]:
    yield
    await replica_pair.resume_replay()


def reads(db: Database, target: str) -> float:
    value = REGISTRY.get_sample_value(
        "database_reads_total", {"service": db.producer, "role": "replica", "target": target}
    )
    return value or 0.0


async def note(db: Database, text: str) -> uuid.UUID:
    note_id = uuid.uuid4()
    async with db.write() as tx:
        await tx.execute(ADD, id=note_id, text=text)
    return note_id


async def replica_text(db: Database, note_id: uuid.UUID) -> str | None:
    async with db.read("replica") as read:
        text: str | None = await read.fetchval(ONE, id=note_id)
        return text


async def test_replica_reads_are_served_by_the_standby(
    replicated: Callable[..., Awaitable[Database]], replica_pair: TestPair
) -> None:
    db = await replicated()
    async with db.read("replica") as read:
        assert await read.fetchval(SERVER) is True  # a server in recovery: the standby
    async with db.read("primary") as read:
        assert await read.fetchval(SERVER) is False
    await replica_pair.pause_replay()
    note_id = await note(db, "written while the standby's replay is paused")
    before = reads(db, "replica")
    assert await replica_text(db, note_id) is None  # the standby shows the past: it served the read
    assert reads(db, "replica") == before + 1
    async with db.read("primary") as read:
        assert await read.fetchval(ONE, id=note_id) is not None
    await replica_pair.resume_replay()
    await until(lambda: _shows(db, note_id), "the standby to replay the write")


async def _shows(db: Database, note_id: uuid.UUID) -> bool:
    return await replica_text(db, note_id) is not None


async def test_a_writer_reads_its_own_write_while_the_standby_is_behind(
    replicated: Callable[..., Awaitable[Database]], replica_pair: TestPair
) -> None:
    db = await replicated(wait=0.3)
    token = user_id_var.set(str(uuid.uuid4()))
    try:
        # Replay running: the writer's read waits (at most 0.3 s) and the standby serves it.
        fresh = await note(db, "mine, replayed")
        served = reads(db, "replica")
        assert await replica_text(db, fresh) == "mine, replayed"
        assert reads(db, "replica") == served + 1
        # Replay paused: the bounded wait ends and the primary serves the writer.
        await replica_pair.pause_replay()
        mine = await note(db, "mine, not replayed")
        on_primary = reads(db, "primary")
        assert await replica_text(db, mine) == "mine, not replayed"
        assert reads(db, "primary") == on_primary + 1
    finally:
        user_id_var.reset(token)
    other = user_id_var.set(str(uuid.uuid4()))
    try:
        assert await replica_text(db, mine) is None  # another user reads the standby: not yet there
    finally:
        user_id_var.reset(other)


async def test_a_service_whose_replica_reads_are_public_tracks_no_writer(
    replicated: Callable[..., Awaitable[Database]], replica_pair: TestPair, redis: Redis
) -> None:
    """``own_writes=False`` (the transaction service: its replica read is the public
    dashboard): a logged-in user's write records no position, and that user's replica reads
    go to the standby as anyone's do, even while it has not replayed the write."""
    db = await replicated(own_writes=False)
    user = str(uuid.uuid4())
    token = user_id_var.set(user)
    try:
        await replica_pair.pause_replay()
        mine = await note(db, "mine, not replayed")
        assert await redis.exists(f"pamtalk:written-lsn:{db.producer}:{user}") == 0
        served = reads(db, "replica")
        assert await replica_text(db, mine) is None  # the standby's past: the write is not there
        assert reads(db, "replica") == served + 1
    finally:
        user_id_var.reset(token)
    await replica_pair.resume_replay()
    await until(lambda: _shows(db, mine), "the standby to replay the write")


async def test_reads_go_to_the_primary_while_the_standby_lags_and_come_back(
    replicated: Callable[..., Awaitable[Database]], replica_pair: TestPair
) -> None:
    db = await replicated(max_lag=1.0)
    replica = db.replica
    assert replica is not None
    await replica_pair.pause_replay()
    note_id = await note(db, "behind")
    await until(lambda: (replica.lag or 0) > 1.0, "the lag to pass 1 s")
    assert not replica.usable
    on_primary = reads(db, "primary")
    assert await replica_text(db, note_id) == "behind"  # the primary answered
    assert reads(db, "primary") == on_primary + 1
    lag = REGISTRY.get_sample_value("database_replica_lag_seconds", {"service": db.producer})
    assert lag is not None and lag > 1.0
    await replica_pair.resume_replay()
    await until(lambda: replica.usable, "the standby to catch up")
    served = reads(db, "replica")
    assert await replica_text(db, note_id) == "behind"
    assert reads(db, "replica") == served + 1


async def test_reads_go_to_the_primary_while_the_standby_is_down_and_come_back(
    replicated: Callable[..., Awaitable[Database]], replica_pair: TestPair
) -> None:
    db = await replicated()
    replica = db.replica
    assert replica is not None
    note_id = await note(db, "kept")
    await until(lambda: _shows(db, note_id), "the standby to show the write")
    await replica_pair.stop_standby()
    try:
        on_primary = reads(db, "primary")
        for _ in range(5):  # at once (the read finds it gone) and after the watcher saw it
            assert await replica_text(db, note_id) == "kept"
            async with db.read("replica", consistent=True) as read:
                assert await read.fetchval(ONE, id=note_id) == "kept"
        assert reads(db, "primary") >= on_primary + 9
        await until(lambda: not replica.up, "the watcher to see the standby down")
        assert REGISTRY.get_sample_value("database_replica_up", {"service": db.producer}) == 0
    finally:
        await replica_pair.start_standby()
    await until(lambda: replica.usable, "the standby back")
    served = reads(db, "replica")
    assert await replica_text(db, note_id) == "kept"
    assert reads(db, "replica") == served + 1
