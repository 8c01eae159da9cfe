"""ESG assessments (``esg_assessments``): one per scored submission (``submission_id`` is
unique), read as a farm's current assessment and its history, newest first."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date
from typing import Any

import orjson
from asyncpg import Record

from pamtalk.db.statements import sql
from pamtalk.db.tx import Read, Tx
from services.prediction.keyset import Keyset, fetch_page

COLUMNS = (
    "id, farm_id, owner_id, submission_id, environmental, social, governance, overall, grade, "
    "token_estimate, size_factor, tier, volume_bonus, items, assessed_at, valid_until"
)
_INSERT = sql(
    f"INSERT INTO esg_assessments ({COLUMNS}) VALUES ("
    ":id, :farm_id, :owner_id, :submission_id, :environmental, :social, :governance, :overall, :grade, "
    ":token_estimate, :size_factor, :tier, :volume_bonus, :items, :assessed_at, :valid_until) "
    "ON CONFLICT (submission_id) DO NOTHING RETURNING id"
)
_NEWEST_FIRST = "ORDER BY assessed_at DESC, id DESC"
NEWEST_OWNER = sql(f"SELECT owner_id FROM esg_assessments WHERE farm_id = :farm_id {_NEWEST_FIRST} LIMIT 1")
CURRENT = sql(
    f"SELECT {COLUMNS} FROM esg_assessments WHERE farm_id = :farm_id AND valid_until >= :on "
    f"{_NEWEST_FIRST} LIMIT 1"
)
FIRST_PAGE = sql(
    f"SELECT {COLUMNS} FROM esg_assessments WHERE farm_id = :farm_id {_NEWEST_FIRST} LIMIT :limit"
)
PAGE_AFTER = sql(
    f"SELECT {COLUMNS} FROM esg_assessments WHERE farm_id = :farm_id "
    f"AND (assessed_at, id) < (:after_at, :after_id) {_NEWEST_FIRST} LIMIT :limit"
)


async def insert(tx: Tx, assessment: Mapping[str, Any]) -> bool:
    """Store an assessment (``items``: part -> item breakdown, written as JSON); False when
    its submission was scored before."""
    values = {**assessment, "items": orjson.dumps(assessment["items"]).decode()}
    return await tx.fetchval(_INSERT, **values) is not None


async def newest_owner(read: Read, farm_id: uuid.UUID) -> uuid.UUID | None:
    """The owner named by the farm's newest assessment (None: the farm has none)."""
    owner: uuid.UUID | None = await read.fetchval(NEWEST_OWNER, farm_id=farm_id)
    return owner


async def current(read: Read, farm_id: uuid.UUID, on: date) -> Record | None:
    """The farm's newest assessment still valid ``on`` that day."""
    return await read.fetchrow(CURRENT, farm_id=farm_id, on=on)


async def page(read: Read, farm_id: uuid.UUID, after: Keyset | None, limit: int) -> list[Record]:
    """The farm's assessments, newest first, after the keyset ``after`` (assessed_at, id)."""
    return await fetch_page(read, FIRST_PAGE, PAGE_AFTER, after, limit, farm_id=farm_id)
