"""JSON bodies written straight from rows (``pamtalk.json_body``) equal what the response
model would write, against the real PostgreSQL's types."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import datetime
from decimal import Decimal

import orjson
import pytest
from pydantic import BaseModel

from pamtalk.db.database import Database
from pamtalk.db.statements import sql
from pamtalk.json_body import dumps, json_response

pytestmark = pytest.mark.integration
ROW = sql(
    "SELECT gen_random_uuid() AS id, 1234.50::numeric(12, 2) AS amount, "
    "'2026-11-27 03:00:00.123+00'::timestamptz AS at, NULL::text AS note"
)


class _Out(BaseModel):
    id: uuid.UUID
    amount: Decimal
    at: datetime
    note: str | None


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    database = Database(database_url, "public", pool_size=1, max_overflow=0)
    yield database
    await database.close()


async def test_rows_are_written_as_the_response_model_would(db: Database) -> None:
    async with db.read() as read:
        row = await read.fetchrow(ROW)
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
