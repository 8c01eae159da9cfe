"""``Idempotency-Key`` on token writes (transfers, redemptions, reward approvals).

Token writes run under the ledger lock, so the key needs no locking of its own: it is looked
up after the lock is taken, and the response is stored in the same transaction as the
movement. A retry with the same key and the same request gets the first response again
(header ``Idempotent-Replayed: true``); the same key with another request is a 422. A request
that fails stores nothing, so its retry is judged afresh. Keys are kept ``ttl``.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import JSONResponse

from pamtalk.idempotency import REPLAYED, key_reused
from services.blockchain.models import IdempotencyKey


@dataclass(frozen=True)
class IdempotentRequest:
    owner_id: uuid.UUID
    key: str | None
    digest: str

    @classmethod
    def of(cls, owner_id: uuid.UUID, key: str | None, operation: str, body: Any) -> IdempotentRequest:
        raw = json.dumps([operation, body], sort_keys=True, default=str).encode()  # ints of any size
        return cls(owner_id, key, hashlib.sha256(raw).hexdigest())


async def replay(
    session: AsyncSession, request: IdempotentRequest, now: datetime, ttl: timedelta
) -> JSONResponse | None:
    """The stored response for this key, or ``None`` (go ahead). Call under the ledger lock."""
    if request.key is None:
        return None
    row = await session.get(IdempotencyKey, (request.owner_id, request.key))
    if row is None:
        return None
    if row.created_at < now - ttl:
        await session.delete(row)
        await session.flush()
        return None
    if row.request_hash != request.digest:
        raise key_reused()
    return JSONResponse(row.response, status_code=row.status_code, headers=REPLAYED)


async def remember(
    session: AsyncSession, request: IdempotentRequest, status_code: int, body: dict[str, Any], now: datetime
) -> None:
    if request.key is None:
        return
    session.add(
        IdempotencyKey(
            owner_id=request.owner_id,
            key=request.key,
            request_hash=request.digest,
            status_code=status_code,
            response=body,
            created_at=now,
        )
    )
    await session.flush()


async def prune(session: AsyncSession, before: datetime) -> None:
    await session.execute(delete(IdempotencyKey).where(IdempotencyKey.created_at < before))
