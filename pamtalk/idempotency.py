"""``Idempotency-Key``: a write a client may retry, done once.

One behaviour for every service (docs/conventions.md, "Retried writes"):

- The key is the caller's own: two callers may use the same key.
- The first request with a key claims it, in the same transaction as its write, and stores
  its response there: both commit together, or neither does.
- A retry with the same key and the same request gets that first response again, same
  status and body, with ``Idempotent-Replayed: true``. Nothing is written again.
- The same key with a different request (another body, or another operation) is a 422
  problem of type ``idempotency-key-reused``.
- A retry sent while the first request is still running waits for it (the claim blocks on
  the key's row) and then gets its response; two writes are never made for one key.
- A request that fails (any 4xx or 5xx) rolls its claim back, so its retry is judged afresh.
- Keys are kept ``ttl`` (24 h by default); after that the key is new again. ``prune`` removes
  them (each service's upkeep).

Each service owning such writes has an ``idempotency_keys`` table of this shape
(``idempotency_table``) in its own schema.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Annotated, Any

import orjson
from fastapi import Header
from pydantic import BaseModel
from sqlalchemy import Column, DateTime, Index, MetaData, SmallInteger, String, Table, Uuid
from sqlalchemy.dialects.postgresql import JSONB
from starlette.responses import Response

from pamtalk.db.statements import sql
from pamtalk.db.tx import Read, Tx
from pamtalk.errors import Problem

IdempotencyKeyHeader = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=200,
        pattern=r"^[!-~]+$",
        description="Any unique printable string (a UUID is fine). A retry with the same key and request "
        "returns the first response and changes nothing; the same key with another request is a 422.",
    ),
]

REPLAYED = {"Idempotent-Replayed": "true"}  # header of a response given again for a retried key
DEFAULT_TTL = timedelta(hours=24)


def idempotency_table(metadata: MetaData) -> Table:
    table = Table(
        "idempotency_keys",
        metadata,
        Column("owner_id", Uuid, primary_key=True),
        Column("key", String(200), primary_key=True),
        Column("request_hash", String(64), nullable=False),
        Column("status_code", SmallInteger),  # NULL until the first request's response is stored
        Column("response", JSONB),
        Column("created_at", DateTime(timezone=True), nullable=False),
    )
    Index("ix_idempotency_keys_created_at", table.c.created_at)
    return table


# A new key, or one expired (its first response forgotten), is claimed; a key held by a
# committed request returns nothing (the request is a retry: see ``kept``). A key held by a
# request still running makes this wait for it.
_CLAIM = sql(
    """INSERT INTO idempotency_keys AS held (owner_id, key, request_hash, created_at)
VALUES (:owner_id, :key, :request_hash, :now)
ON CONFLICT (owner_id, key) DO UPDATE SET request_hash = excluded.request_hash,
    created_at = excluded.created_at, status_code = NULL, response = NULL
WHERE held.created_at < :expired_before
RETURNING true"""
)
_REMEMBER = sql(
    "UPDATE idempotency_keys SET status_code = :status_code, response = CAST(:response AS jsonb) "
    "WHERE owner_id = :owner_id AND key = :key"
)
_KEPT = sql(
    "SELECT request_hash, status_code, response FROM idempotency_keys "
    "WHERE owner_id = :owner_id AND key = :key"
)
_PRUNE = sql("DELETE FROM idempotency_keys WHERE created_at < :before")


def _json(value: Any) -> bytes:
    """orjson, or the standard library for what orjson refuses (integers beyond 64 bits: token
    amounts in micro-DC can be that large)."""
    try:
        return orjson.dumps(value, default=str)
    except TypeError:
        return json.dumps(value, default=str, separators=(",", ":")).encode()


def key_reused() -> Problem:
    return Problem(
        422,
        "This Idempotency-Key was used with a different request; use a new key for a new request.",
        type_="idempotency-key-reused",
        errors=[{"field": "Idempotency-Key", "in": "header", "message": "reused", "code": "reused"}],
    )


def _canonical(value: Any) -> Any:
    """Values as the request means them: ``2500``, ``2500.0`` and ``2500.00`` are one price."""
    if isinstance(value, BaseModel):
        value = value.model_dump()
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_canonical(v) for v in value]
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = Decimal(str(value))
    if isinstance(value, Decimal):
        return str(value.normalize())
    if isinstance(value, uuid.UUID | datetime):
        return str(value)
    return value


def request_digest(operation: str, body: Any) -> str:
    """The request as understood (an operation name and its validated body), hashed."""
    raw = orjson.dumps([operation, _canonical(body)], option=orjson.OPT_SORT_KEYS, default=str)
    return hashlib.sha256(raw).hexdigest()


@dataclass(frozen=True)
class Replay:
    """The first response to a key, to be sent again."""

    status_code: int
    body: Any

    def response(self, headers: dict[str, str] | None = None) -> Response:
        """The first response again, marked replayed (``headers``: more of the first's)."""
        return Response(
            _json(self.body), self.status_code, {**(headers or {}), **REPLAYED}, media_type="application/json"
        )


@dataclass(frozen=True)
class IdempotentRequest:
    """A request that may carry a key: ``claim`` it in the write's transaction, then
    ``remember`` its response there."""

    owner_id: uuid.UUID
    key: str | None
    digest: str

    @classmethod
    def of(cls, owner_id: uuid.UUID, key: str | None, operation: str, body: Any) -> IdempotentRequest:
        return cls(owner_id, key, request_digest(operation, body) if key is not None else "")

    async def claim(self, tx: Tx, now: datetime, ttl: timedelta = DEFAULT_TTL) -> Replay | None:
        """``None``: go ahead (the key is this request's, or there is none); else the first
        response to send again. Raises the 422 of a key reused with another request."""
        if self.key is None:
            return None
        claimed = await tx.fetchval(
            _CLAIM,
            owner_id=self.owner_id,
            key=self.key,
            request_hash=self.digest,
            now=now,
            expired_before=now - ttl,
        )
        return None if claimed else await self.kept(tx)

    async def kept(self, read: Read) -> Replay:
        row = await read.fetchrow(_KEPT, owner_id=self.owner_id, key=self.key)
        if row is None:  # cannot happen: the claim found the key held by a committed request
            raise LookupError(f"idempotency key {self.key!r} held but not found")
        if row["request_hash"] != self.digest:
            raise key_reused()
        if row["status_code"] is None:  # cannot happen: claim and response commit together
            raise Problem(
                409,
                "A request with this Idempotency-Key is still in progress.",
                type_="idempotency-in-progress",
            )
        return Replay(row["status_code"], row["response"])

    async def remember(self, tx: Tx, status_code: int, body: Any) -> None:
        """Store the response of the claimed key (in the write's transaction). ``body``: the
        response's values, or its JSON bytes as sent (``orjson.Fragment``), so a replay is
        the same text."""
        if self.key is None:
            return
        await tx.execute(
            _REMEMBER,
            status_code=status_code,
            response=_json(body).decode(),
            owner_id=self.owner_id,
            key=self.key,
        )


async def prune(tx: Tx, before: datetime) -> int:
    """Forget keys claimed before ``before``; returns how many."""
    status = await tx.execute(_PRUNE, before=before)
    return int(status.rsplit(" ", 1)[-1])
