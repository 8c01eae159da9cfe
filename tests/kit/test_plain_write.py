"""``PlainWrite``: an endpoint's writes in plain SQL on a pooled driver connection commit
when it returns, roll back when it fails, and database errors become the same problem
responses as through a session (text PostgreSQL cannot store is a 422, nothing written)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from types import SimpleNamespace

import httpx
import pytest
from fastapi import FastAPI
from pydantic import BaseModel

from pamtalk.db.database import Database
from pamtalk.db.raw import reading
from pamtalk.deps import PlainWrite
from pamtalk.errors import Problem, install_problem_handlers

pytestmark = pytest.mark.integration


class Note(BaseModel):
    text: str
    fail_after_insert: bool = False


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    database = Database(database_url, "public", pool_size=2, max_overflow=0)
    async with reading(database) as conn:
        await conn.execute("CREATE TABLE IF NOT EXISTS notes (id uuid PRIMARY KEY, text text NOT NULL)")
        await conn.execute("TRUNCATE notes")  # the database is the test session's
    yield database
    await database.close()


@pytest.fixture
async def client(db: Database) -> AsyncIterator[httpx.AsyncClient]:
    app = FastAPI()
    install_problem_handlers(app)
    app.state.runtime = SimpleNamespace(db=db)

    @app.post("/notes", status_code=201)
    async def add_note(note: Note, tx: PlainWrite) -> dict[str, str]:
        note_id = uuid.uuid4()
        await tx.conn.execute("INSERT INTO notes (id, text) VALUES ($1, $2)", note_id, note.text)
        if note.fail_after_insert:
            raise Problem(409, "Refused after the insert.", type_="refused")
        return {"id": str(note_id)}

    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield http


async def _texts(db: Database) -> list[str]:
    async with reading(db) as conn:
        return [r["text"] for r in await conn.fetch("SELECT text FROM notes ORDER BY text")]


async def test_a_write_is_committed_when_the_endpoint_returns(
    client: httpx.AsyncClient, db: Database
) -> None:
    response = await client.post("/notes", json={"text": "rice harvest"})
    assert response.status_code == 201
    assert await _texts(db) == ["rice harvest"]


async def test_a_failure_after_a_write_rolls_it_back(client: httpx.AsyncClient, db: Database) -> None:
    response = await client.post("/notes", json={"text": "half written", "fail_after_insert": True})
    assert response.status_code == 409
    assert response.json()["type"].endswith("/refused")
    assert await _texts(db) == []


async def test_text_postgresql_cannot_store_is_a_422_and_writes_nothing(
    client: httpx.AsyncClient, db: Database
) -> None:
    response = await client.post("/notes", json={"text": "nul \x00 inside"})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["type"].endswith("/invalid-text")
    assert await _texts(db) == []
    # the connection that saw the error is healthy: the next write goes through
    assert (await client.post("/notes", json={"text": "after"})).status_code == 201
    assert await _texts(db) == ["after"]
