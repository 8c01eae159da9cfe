"""Plain SQL on the pool's connections (``pamtalk.db.raw``) and JSON bodies written from rows
(``pamtalk.json_body``), against the real PostgreSQL."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import datetime
from decimal import Decimal

import orjson
import pytest
from pydantic import BaseModel
from sqlalchemy import text

from pamtalk.db.database import Database
from pamtalk.db.raw import driver, reading, sql
from pamtalk.json_body import dumps, json_response


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    database = Database(database_url, "public", pool_size=3, max_overflow=0)
    yield database
    await database.close()


async def _terminate(db: Database, pid: int) -> None:
    """End a backend as a server restart would, and wait until it is gone."""
    async with db.reads() as other:
        await other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        gone = text("SELECT count(*) = 0 FROM pg_stat_activity WHERE pid = :pid")
        for _ in range(100):
            if (await other.execute(gone, {"pid": pid})).scalar():
                return
            await asyncio.sleep(0.02)


async def _every_pooled_connection_works(db: Database) -> None:
    for _ in range(db.capacity + 1):  # sequential checkouts come round every pooled connection
        async with reading(db) as conn:
            assert await conn.fetchval("SELECT 1") == 1


def test_named_parameters_become_numbered_once() -> None:
    query = sql("SELECT CAST(:a AS int) + CAST(:b AS int) WHERE CAST(:a AS int) > 0")
    assert query.text == "SELECT CAST($1 AS int) + CAST($2 AS int) WHERE CAST($1 AS int) > 0"
    assert query.args({"b": 2, "a": 1, "unused": 3}) == (1, 2)


@pytest.mark.integration
async def test_reads_run_without_a_transaction(db: Database) -> None:
    async with reading(db) as conn:
        assert not conn.is_in_transaction()
        assert await conn.fetchval("SELECT $1::int * 2", 21) == 42


@pytest.mark.integration
async def test_a_connection_lost_under_a_read_is_not_reused(db: Database) -> None:
    with pytest.raises(Exception):  # noqa: B017 - which asyncpg error depends on timing
        async with reading(db) as conn:
            await _terminate(db, await conn.fetchval("SELECT pg_backend_pid()"))
            await conn.fetchval("SELECT 1")
    await _every_pooled_connection_works(db)


@pytest.mark.integration
async def test_a_connection_lost_under_a_session_is_not_reused(db: Database) -> None:
    with pytest.raises(Exception):  # noqa: B017
        async with db.transaction() as session:
            await session.execute(text("SELECT 1"))
            conn = await driver(session)
            await _terminate(db, await conn.fetchval("SELECT pg_backend_pid()"))
            await conn.fetchval("SELECT 1")
    await _every_pooled_connection_works(db)


@pytest.mark.integration
async def test_driver_statements_are_part_of_the_sessions_transaction(db: Database) -> None:
    table = f"raw_{uuid.uuid4().hex[:8]}"
    async with db.transaction() as session:
        await session.execute(text(f"CREATE TABLE {table} (n int)"))
    with pytest.raises(RuntimeError):
        async with db.transaction() as session:
            await session.execute(text(f"INSERT INTO {table} VALUES (1)"))
            conn = await driver(session)
            await conn.execute(f"INSERT INTO {table} VALUES (2)")
            assert await conn.fetchval(f"SELECT count(*) FROM {table}") == 2
            raise RuntimeError("the endpoint failed")
    async with reading(db) as conn:
        assert await conn.fetchval(f"SELECT count(*) FROM {table}") == 0  # both rolled back
        await conn.execute(f"DROP TABLE {table}")


class _Out(BaseModel):
    id: uuid.UUID
    amount: Decimal
    at: datetime
    note: str | None


@pytest.mark.integration
async def test_rows_are_written_as_the_response_model_would(db: Database) -> None:
    async with reading(db) as conn:
        row = await conn.fetchrow(
            "SELECT gen_random_uuid() AS id, 1234.50::numeric(12, 2) AS amount, "
            "'2026-11-27 03:00:00.123+00'::timestamptz AS at, NULL::text AS note"
        )
    assert row is not None
    assert type(row["id"]) is not uuid.UUID  # asyncpg's own class: orjson alone refuses it
    assert dumps(dict(row)) == _Out.model_validate(dict(row)).model_dump_json().encode()
    response = json_response({"items": [dict(row)]}, status_code=201, headers={"Location": "/x"})
    assert response.status_code == 201 and response.headers["location"] == "/x"
    assert response.media_type == "application/json"
    assert orjson.loads(response.body)["items"][0]["amount"] == "1234.50"
    assert orjson.loads(response.body)["items"][0]["at"] == "2026-11-27T03:00:00.123000Z"
    with pytest.raises(TypeError):
        dumps({"unknown": object()})
