"""``Idempotency-Key`` on trade creation.

The key is claimed by inserting ``(user, key, hash of the body)`` in the same database
transaction that creates the trade, and the response is stored in that transaction too. A
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

import orjson
from pydantic import BaseModel
from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

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


async def claim(
    session: AsyncSession, user_id: uuid.UUID, key: str, digest: str, now: datetime, ttl: timedelta
) -> Replay | None:
    """None when this request owns the key (go ahead); the first response when it was sent before."""
    statement = insert(IdempotencyKey).values(user_id=user_id, key=key, request_hash=digest, created_at=now)
    claimed = await session.execute(
        statement.on_conflict_do_update(
            index_elements=[IdempotencyKey.user_id, IdempotencyKey.key],
            set_={
                "request_hash": statement.excluded.request_hash,
                "created_at": statement.excluded.created_at,
                "status_code": None,
                "response": None,
                "transaction_id": None,
            },
            where=IdempotencyKey.created_at < now - ttl,
        ).returning(IdempotencyKey.key)
    )
    if claimed.first() is not None:
        return None
    row = (
        await session.execute(
            select(IdempotencyKey).where(IdempotencyKey.user_id == user_id, IdempotencyKey.key == key)
        )
    ).scalar_one()
    if row.request_hash != digest:
        raise key_reused()
    if row.response is None or row.status_code is None:  # cannot happen: claim and response commit together
        raise Problem(
            409, "A request with this Idempotency-Key is still in progress.", type_="idempotency-in-progress"
        )
    return Replay(row.status_code, row.response)


async def remember(
    session: AsyncSession,
    user_id: uuid.UUID,
    key: str,
    status_code: int,
    body: dict[str, Any],
    transaction_id: uuid.UUID,
) -> None:
    await session.execute(
        update(IdempotencyKey)
        .where(IdempotencyKey.user_id == user_id, IdempotencyKey.key == key)
        .values(status_code=status_code, response=body, transaction_id=transaction_id)
    )


async def prune(session: AsyncSession, before: datetime) -> int:
    result = await session.execute(delete(IdempotencyKey).where(IdempotencyKey.created_at < before))
    return int(getattr(result, "rowcount", 0) or 0)
