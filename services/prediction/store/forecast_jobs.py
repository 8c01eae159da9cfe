"""Forecast jobs (``forecast_jobs``): written by the API (queued), moved to running and
finished by the ``prediction_requests`` consumer, read by their owner."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import orjson
from asyncpg import Record

from pamtalk.db.statements import sql
from pamtalk.db.tx import Read, Tx
from services.prediction.keyset import Keyset, fetch_page

# What a job's owner sees of it, without the result (the list); ``BY_ID`` adds the result.
SUMMARY = "id, owner_id, request, status, error, created_at, started_at, finished_at"

_INSERT = sql(
    "INSERT INTO forecast_jobs (id, owner_id, request, status, attempts, created_at) "
    "VALUES (:id, :owner_id, :request, 'queued', 0, :created_at)"
)
BY_ID = sql(f"SELECT {SUMMARY}, result FROM forecast_jobs WHERE id = :id")
_ORDER = "ORDER BY created_at DESC, id DESC LIMIT :limit"
FIRST_PAGE = sql(f"SELECT {SUMMARY} FROM forecast_jobs WHERE owner_id = :owner_id {_ORDER}")
PAGE_AFTER = sql(
    f"SELECT {SUMMARY} FROM forecast_jobs WHERE owner_id = :owner_id "
    f"AND (created_at, id) < (:after_at, :after_id) {_ORDER}"
)
# A job not finished yet (queued, or running when a run was cut short) is run (again).
START_RUN = sql(
    "UPDATE forecast_jobs SET status = 'running', started_at = :now, attempts = attempts + 1 "
    "WHERE id = :id AND status IN ('queued', 'running') RETURNING request, owner_id"
)
FINISH = sql(
    "UPDATE forecast_jobs SET status = :status, result = :result, error = :error, finished_at = :now "
    "WHERE id = :id AND status = 'running' RETURNING id"
)


def _json(value: Any) -> str | None:
    return None if value is None else orjson.dumps(value, default=str).decode()


async def insert(
    tx: Tx, job_id: uuid.UUID, owner_id: uuid.UUID, request: dict[str, Any], created_at: datetime
) -> None:
    await tx.execute(_INSERT, id=job_id, owner_id=owner_id, request=_json(request), created_at=created_at)


async def by_id(read: Read, job_id: uuid.UUID) -> Record | None:
    return await read.fetchrow(BY_ID, id=job_id)


async def page(read: Read, owner_id: uuid.UUID, after: Keyset | None, limit: int) -> list[Record]:
    """The owner's jobs, newest first, after the keyset ``after`` (created_at, id)."""
    return await fetch_page(read, FIRST_PAGE, PAGE_AFTER, after, limit, owner_id=owner_id)


async def start_run(tx: Tx, job_id: uuid.UUID, now: datetime) -> Record | None:
    """Mark the job running; its ``request`` and ``owner_id``, or None when it is unknown or
    already finished."""
    return await tx.fetchrow(START_RUN, id=job_id, now=now)


async def finish(
    tx: Tx, job_id: uuid.UUID, status: str, result: dict[str, Any] | None, error: str | None, now: datetime
) -> bool:
    """Store the outcome of a running job; False when another delivery finished it first."""
    done = await tx.fetchval(FINISH, id=job_id, status=status, result=_json(result), error=error, now=now)
    return done is not None
