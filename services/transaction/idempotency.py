"""``Idempotency-Key`` on trade creation.

The key is claimed by inserting ``(user, key, hash of the body)`` in the same database
transaction that creates the trade (in one statement with reading the farm), and the
response is stored in that transaction too (in one statement with inserting the trade). A
concurrent request with the same key blocks on the unique index until the first commits
(or rolls back), then reads the stored response: two trades are never made for one key. A
request that fails (4xx) rolls its claim back, so the retry is judged afresh. Keys are kept
``ttl`` (24 h); an expired key is claimed again as new.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import asyncpg
import orjson
from pydantic import BaseModel
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from pamtalk.db.raw import sql
from pamtalk.errors import Problem
from pamtalk.idempotency import key_reused
from services.transaction.models import IdempotencyKey


@dataclass(frozen=True)
class Replay:
    status_code: int
    body: dict[str, Any]


def request_hash(body: BaseModel) -> str:
    """Hash of the request as understood: defaults filled in, key order and number
    spelling irrelevant (``2500``, ``2500.00`` and ``"2500"`` are one price)."""

    def canonical(value: Any) -> Any:
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = Decimal(str(value))
        if isinstance(value, Decimal):
            return str(value.normalize())
        return str(value) if isinstance(value, uuid.UUID) else value

    fields = {name: canonical(value) for name, value in body.model_dump().items()}
    return hashlib.sha256(orjson.dumps(fields, option=orjson.OPT_SORT_KEYS)).hexdigest()


KEYS: str = IdempotencyKey.__table__.fullname  # type: ignore[attr-defined]
# Claims the key: a new key, or one expired (its first response forgotten). Nothing is
# returned when the key is held: the request is a retry (see ``replay``). Run as a CTE of
# the statement that reads the farm (``trades.claim_and_read_farm``).
CLAIM = f"""INSERT INTO {KEYS} AS kept (user_id, key, request_hash, created_at)
VALUES (:user_id, :key, :request_hash, :now)
ON CONFLICT (user_id, key) DO UPDATE SET request_hash = excluded.request_hash,
    created_at = excluded.created_at, status_code = NULL, response = NULL, transaction_id = NULL
WHERE kept.created_at < :expired_before
RETURNING true"""
# Stores the response in the statement that inserts the trade (``trades.insert_trade``).
REMEMBER = f"""UPDATE {KEYS} SET status_code = :status_code, response = :response, transaction_id = :id
WHERE user_id = :user_id AND key = :key"""
# The first response to a key, read by a request that could not claim it.
KEPT = sql(f"SELECT request_hash, status_code, response FROM {KEYS} WHERE user_id = :user_id AND key = :key")


def claim_values(user_id: uuid.UUID, key: str, digest: str, now: datetime, ttl: timedelta) -> dict[str, Any]:
    return {"user_id": user_id, "key": key, "request_hash": digest, "now": now, "expired_before": now - ttl}


async def replay(conn: asyncpg.Connection, user_id: uuid.UUID, key: str, digest: str) -> Replay:
    """The first response to a key this request could not claim (it was sent before)."""
    row = await conn.fetchrow(KEPT.text, *KEPT.args({"user_id": user_id, "key": key}))
    if row is None:  # cannot happen: the claim found the key held by a committed request
        raise LookupError(f"idempotency key {key!r} held but not found")
    if row["request_hash"] != digest:
        raise key_reused()
    # Cannot happen: the claim and the response commit together.
    if row["response"] is None or row["status_code"] is None:
        raise Problem(
            409, "A request with this Idempotency-Key is still in progress.", type_="idempotency-in-progress"
        )
    return Replay(row["status_code"], row["response"])


async def prune(session: AsyncSession, before: datetime) -> int:
    result = await session.execute(delete(IdempotencyKey).where(IdempotencyKey.created_at < before))
    return int(getattr(result, "rowcount", 0) or 0)
