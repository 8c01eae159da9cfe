"""The kit's one way to the database, against the real PostgreSQL: a write is one
transaction (committed, or rolled back with nothing kept), after-commit hooks run only
once committed, reads need no transaction, a connection lost under the pool is replaced,
and an endpoint's ``Write`` commits before its response is sent."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from types import SimpleNamespace

import asyncpg
import httpx
import pytest
from fastapi import FastAPI
from pydantic import BaseModel
from sqlalchemy import Column, MetaData, Table, Text, Uuid
from sqlalchemy.dialects.postgresql import JSONB

from pamtalk.db.database import Database
from pamtalk.db.outbox import outbox_table
from pamtalk.db.statements import sql
from pamtalk.db.tx import Tx
from pamtalk.deps import Db, Write
from pamtalk.errors import Problem, install_problem_handlers
from pamtalk.events.catalogue import UserRegistered
from tests.kit.db_support import scratch_schema

pytestmark = pytest.mark.integration

ADD = sql("INSERT INTO notes (id, text, extra) VALUES (:id, :text, CAST(:extra AS jsonb))")
TEXTS = sql("SELECT text FROM notes ORDER BY text")
ONE = sql("SELECT text, extra FROM notes WHERE id = :id")
EVENTS = sql("SELECT count(*) FROM outbox")
MY_PID = sql("SELECT pg_backend_pid()")
TERMINATE = sql("SELECT pg_terminate_backend(:pid)")
GONE = sql("SELECT count(*) = 0 FROM pg_stat_activity WHERE pid = :pid")
IN_SNAPSHOT = sql("SELECT current_setting('transaction_read_only')")
SYNC_COMMIT = sql("SHOW synchronous_commit")
ISOLATION = sql("SHOW transaction_isolation")


def notes(metadata: MetaData) -> Table:
    return Table(
        "notes",
        metadata,
        Column("id", Uuid, primary_key=True),
        Column("text", Text, nullable=False),
        Column("extra", JSONB),
    )


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    async with scratch_schema(database_url, notes, outbox_table) as database:
        yield database


async def texts(db: Database) -> list[str]:
    async with db.read() as read:
        return [row["text"] for row in await read.fetch(TEXTS)]


async def test_a_write_commits_and_its_json_reads_back(db: Database) -> None:
    note = uuid.uuid4()
    async with db.write() as tx:
        await tx.execute(ADD, id=note, text="kept", extra='{"crop": "rice", "n": 2}')
    async with db.read() as read:
        row = await read.fetchrow(ONE, id=note)
    assert row is not None and row["text"] == "kept"
    assert row["extra"] == {"crop": "rice", "n": 2}  # jsonb comes back decoded


async def test_a_failed_write_keeps_nothing_and_runs_no_hook(db: Database) -> None:
    ran: list[str] = []
    with pytest.raises(RuntimeError):
        async with db.write() as tx:
            await tx.execute(ADD, id=uuid.uuid4(), text="lost", extra=None)
            await tx.add_event(_event())
            tx.after_commit(lambda: ran.append("hook"))
            raise RuntimeError("the change failed")
    assert await texts(db) == []
    async with db.read() as read:
        assert await read.fetchval(EVENTS) == 0
    assert ran == []


async def test_after_commit_hooks_run_once_committed_in_order_and_a_failing_one_is_contained(
    db: Database,
) -> None:
    seen: list[list[str]] = []

    async def async_hook() -> None:
        seen.append(["async", *await texts(db)])  # the commit is visible to other connections

    def failing() -> None:
        raise RuntimeError("the cache is down")

    async with db.write() as tx:
        await tx.execute(ADD, id=uuid.uuid4(), text="a", extra=None)
        tx.after_commit(async_hook)
        tx.after_commit(failing)
        tx.after_commit(lambda: seen.append(["sync"]))
        assert seen == []  # nothing runs before the commit
    assert seen == [["async", "a"], ["sync"]]


async def test_committed_events_wake_the_relay_once(db: Database) -> None:
    woken: list[int] = []
    db.wake_relay = lambda: woken.append(1)
    async with db.write() as tx:
        await tx.execute(ADD, id=uuid.uuid4(), text="x", extra=None)
    assert woken == []  # no event, no wake-up
    async with db.write() as tx:
        await tx.add_event(_event())
        await tx.add_event(_event())
    assert woken == [1]


async def test_a_write_that_need_not_be_durable_commits_and_rolls_back_like_any(db: Database) -> None:
    """``durable=False`` (the outbox relay's marks): the setting holds for that transaction
    alone, on a pooled connection the next write finds as it was."""
    async with db.write() as tx:
        default = await tx.fetchval(SYNC_COMMIT)
    assert default != "off"
    kept = uuid.uuid4()
    async with db.write(durable=False) as tx:
        assert await tx.fetchval(SYNC_COMMIT) == "off"
        await tx.execute(ADD, id=kept, text="marked", extra=None)
    with pytest.raises(RuntimeError):
        async with db.write(durable=False, isolation="repeatable_read") as tx:
            assert await tx.fetchval(ISOLATION) == "repeatable read"
            await tx.execute(ADD, id=uuid.uuid4(), text="rolled back", extra=None)
            raise RuntimeError("the round failed")
    assert await texts(db) == ["marked"]
    for _ in range(3):  # every pooled connection: back to the default
        async with db.write() as tx:
            assert await tx.fetchval(SYNC_COMMIT) == default


SET_TEXT = sql("UPDATE notes SET text = :text WHERE id = :id")
TEXT_OF = sql("SELECT text FROM notes WHERE id = :id")


async def test_a_write_given_up_for_a_concurrent_update_is_made_again(db: Database) -> None:
    """``write_retrying``: a repeatable-read transaction that finds its row changed since its
    snapshot (40001) is rolled back by PostgreSQL and run again, in a new transaction."""
    note_id = uuid.uuid4()
    async with db.write() as tx:
        await tx.execute(ADD, id=note_id, text="first", extra=None)
    runs: list[int] = []

    async def rename(tx: Tx) -> int:
        runs.append(1)
        await tx.fetchval(TEXT_OF, id=note_id)  # the snapshot is taken here
        if len(runs) == 1:  # someone else changes the row meanwhile, and commits
            async with db.write() as other:
                await other.execute(SET_TEXT, id=note_id, text="theirs")
        await tx.execute(SET_TEXT, id=note_id, text="mine")
        return len(runs)

    assert await db.write_retrying(rename, isolation="repeatable_read") == 2
    async with db.read() as read:
        assert await read.fetchval(TEXT_OF, id=note_id) == "mine"

    async def always_behind(tx: Tx) -> None:  # every run loses: after the last, the error goes up
        await tx.fetchval(TEXT_OF, id=note_id)
        async with db.write() as other:
            await other.execute(SET_TEXT, id=note_id, text="theirs again")
        await tx.execute(SET_TEXT, id=note_id, text="never")

    with pytest.raises(asyncpg.SerializationError):
        await db.write_retrying(always_behind, isolation="repeatable_read", attempts=2)
    async with db.read() as read:
        assert await read.fetchval(TEXT_OF, id=note_id) == "theirs again"


async def test_a_consistent_read_is_one_read_only_snapshot(db: Database) -> None:
    async with db.read("replica", consistent=True) as read:
        assert await read.fetchval(IN_SNAPSHOT) == "on"
        with pytest.raises(asyncpg.ReadOnlySQLTransactionError):
            await read.execute(ADD, id=uuid.uuid4(), text="no", extra=None)
    async with db.read() as read:
        assert await read.fetchval(IN_SNAPSHOT) == "off"


async def test_a_connection_lost_under_the_pool_is_replaced(db: Database) -> None:
    """A server restart ends pooled connections: the next use gets a working one."""
    async with db.read() as read:
        pid = await read.fetchval(MY_PID)
    other = Database(db.url, db.schema)
    try:
        async with other.read() as read:
            await read.fetchval(TERMINATE, pid=pid)
            for _ in range(200):
                if await read.fetchval(GONE, pid=pid):
                    break
                await asyncio.sleep(0.02)
    finally:
        await other.close()
    lost = 0
    for _ in range(4):  # every pooled connection, the lost one among them
        try:
            async with db.read() as read:
                assert await read.fetchval(MY_PID) != pid
        except (asyncpg.ConnectionDoesNotExistError, asyncpg.InterfaceError):
            lost += 1
    assert lost <= 1  # at most the statement that found it dead; after that, new connections
    async with db.read() as read:
        assert await read.fetchval(MY_PID) != pid


class Note(BaseModel):
    text: str
    fail_after_insert: bool = False


@pytest.fixture
async def client(db: Database) -> AsyncIterator[httpx.AsyncClient]:
    app = FastAPI()
    install_problem_handlers(app)
    app.state.runtime = SimpleNamespace(db=db)

    @app.post("/notes", status_code=201)
    async def add_note(note: Note, tx: Write) -> dict[str, str]:
        note_id = uuid.uuid4()
        await tx.execute(ADD, id=note_id, text=note.text, extra=None)
        if note.fail_after_insert:
            raise Problem(409, "Refused after the insert.", type_="refused")
        return {"id": str(note_id)}

    @app.get("/notes")
    async def list_notes(db: Db) -> list[str]:
        return await texts(db)

    @app.post("/notes/{note_id}/lost-race")
    async def lose_a_race(note_id: uuid.UUID, db: Db) -> None:
        """A write PostgreSQL gives up for a concurrent update (its retries spent)."""

        async def behind(tx: Tx) -> None:
            await tx.fetchval(TEXT_OF, id=note_id)
            async with db.write() as other:
                await other.execute(SET_TEXT, id=note_id, text="theirs")
            await tx.execute(SET_TEXT, id=note_id, text="mine")

        await db.write_retrying(behind, isolation="repeatable_read", attempts=1)

    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield http


async def test_an_endpoint_write_is_committed_before_its_response(client: httpx.AsyncClient) -> None:
    created = await client.post("/notes", json={"text": "first"})
    assert created.status_code == 201
    assert (await client.get("/notes")).json() == ["first"]


async def test_an_endpoint_that_fails_after_its_insert_keeps_nothing(client: httpx.AsyncClient) -> None:
    refused = await client.post("/notes", json={"text": "second", "fail_after_insert": True})
    assert refused.status_code == 409
    assert refused.headers["content-type"] == "application/problem+json"
    assert (await client.get("/notes")).json() == []


async def test_a_write_lost_to_a_concurrent_update_is_a_503_to_retry(
    client: httpx.AsyncClient, db: Database
) -> None:
    note_id = uuid.uuid4()
    async with db.write() as tx:
        await tx.execute(ADD, id=note_id, text="first", extra=None)
    answer = await client.post(f"/notes/{note_id}/lost-race")
    assert answer.status_code == 503, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.headers["Retry-After"]
    assert answer.json()["type"].endswith("/concurrent-update")
    async with db.read() as read:
        assert await read.fetchval(TEXT_OF, id=note_id) == "theirs"  # nothing of it kept


async def test_text_the_database_cannot_store_is_422_and_nothing_written(client: httpx.AsyncClient) -> None:
    refused = await client.post("/notes", json={"text": "nul \u0000 inside"})
    assert refused.status_code == 422
    assert refused.json()["type"].endswith("/invalid-text")
    assert (await client.get("/notes")).json() == []


def _event() -> UserRegistered:
    return UserRegistered(user_id=uuid.uuid4(), email="kit@x.kr", display_name="K", role="consumer")
