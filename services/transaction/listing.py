"""Listing trades: mine (as buyer or producer), a farm's (for its owner), or all (admins),
filtered by crop, status and a time range, newest first, with a keyset cursor on
``(created_at, id)``. Time bounds are plain ``created_at`` comparisons so PostgreSQL prunes
the monthly partitions outside them (the cursor bounds the range too).

The SQL of each shape of request (whose trades, which filters are given) is written once
(``_query``, cached) and run on the session's asyncpg connection; rows become response
items directly (``rows.item``)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any

import asyncpg

from pamtalk.auth.jwks import Principal
from pamtalk.db.raw import Sql, sql
from pamtalk.errors import Problem
from pamtalk.pagination import decode_cursor, encode_cursor
from services.transaction.models import STATUSES, Farm
from services.transaction.rows import FIELDS, TABLE, item

COLUMNS = ", ".join(FIELDS)
NEWEST = "ORDER BY created_at DESC, id DESC"
# The page is read typed (ordered by uuid), then ids and amounts are sent as text: orjson
# writes strings as they come, where decimals and asyncpg's UUIDs each cost it a callback
# (a third of the page's JSON time, and the driver decodes text faster).
AS_TEXT = ("id", "farm_id", "producer_id", "buyer_id", "quantity", "unit_price", "total_value")
PAGE = ", ".join(f"{name}::text AS {name}" if name in AS_TEXT else name for name in FIELDS)
FARM_OWNER = f"SELECT owner_id FROM {Farm.__table__.fullname} WHERE farm_id = $1"  # type: ignore[attr-defined]
FILTERS = ("crop", "since", "until", "cursor")  # each given or not (and the status)


@dataclass(frozen=True)
class TradeFilter:
    crop: str | None = None
    status: str | None = None
    since: datetime | None = None  # inclusive
    until: datetime | None = None  # exclusive
    farm_id: uuid.UUID | None = None


# The conditions of each filter; the plain bound of the cursor lets PostgreSQL prune
# partitions, the row comparison is the key.
CONDITIONS = {
    "crop": ["crop = :crop"],
    "since": ["created_at >= :since"],
    "until": ["created_at < :until"],
    "cursor": ["created_at <= :after_at", "(created_at, id) < (:after_at, :after_id)"],
}


def _select(where: list[str]) -> str:
    clause = f" WHERE {' AND '.join(where)}" if where else ""
    return f"SELECT {COLUMNS} FROM {TABLE}{clause} {NEWEST} LIMIT :limit"


def _status(status: str) -> str:
    """The status condition, the status written in (one of ``STATUSES``): a prepared
    statement's generic plan can then use the partial indexes of pending trades, which a
    ``status = $n`` cannot prove it may (tests/transaction/bench_listing.py)."""
    if status not in STATUSES:
        raise ValueError(f"unknown trade status {status!r}")
    return f"status = '{status}'"


@cache
def _query(scope: str, given: tuple[str, ...], status: str | None = None) -> Sql:
    """The statement for a scope ("mine", "farm", "farm_mine", "all"), the filters given and
    the status asked for.

    "mine" is my trades as buyer, then as producer, each read newest first from its own
    ``(party, created_at, id)`` index and merged: an ``OR`` of the two parties would walk the
    whole ``created_at`` index for a user with few trades (40 ms at 100,000 trades; 1 ms so).
    My pending trades come from the ``(party, created_at, id) WHERE status = 'pending'``
    indexes: the full ones would walk past the other statuses."""
    filters = [condition for name in given for condition in CONDITIONS[name]]
    if status is not None:
        filters.append(_status(status))
    if scope == "mine":
        as_buyer = _select(["buyer_id = :user", *filters])
        as_producer = _select(["producer_id = :user", "buyer_id <> :user", *filters])
        page = f"({as_buyer}) UNION ALL ({as_producer}) {NEWEST} LIMIT :limit"
    elif scope == "farm":
        page = _select(["farm_id = :farm_id", *filters])
    elif scope == "farm_mine":
        page = _select(["farm_id = :farm_id", "(buyer_id = :user OR producer_id = :user)", *filters])
    else:
        page = _select(filters)
    # qualified: a bare ``id`` in this ORDER BY would be the text column
    return sql(f"SELECT {PAGE} FROM ({page}) AS page ORDER BY page.created_at DESC, page.id DESC")


def _utc(at: datetime) -> datetime:
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at


def _cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    created_at, trade_id = decode_cursor(cursor, 2)
    try:
        return _utc(datetime.fromisoformat(str(created_at))), uuid.UUID(str(trade_id))
    except ValueError as exc:
        raise Problem(
            422, "The cursor is not valid; use next_cursor as given.", type_="invalid-cursor"
        ) from exc


async def _scope(conn: asyncpg.Connection, principal: Principal, farm_id: uuid.UUID | None) -> str:
    """Whose trades the caller may list: their own ("mine", as buyer or producer), all of a
    farm's (its owner), theirs with a farm, or all (admins)."""
    if farm_id is not None:
        if principal.is_admin or await conn.fetchval(FARM_OWNER, farm_id) == principal.id:
            return "farm"  # every trade of the farm, for its owner
        return "farm_mine"
    return "all" if principal.is_admin else "mine"


async def list_trades(
    conn: asyncpg.Connection, principal: Principal, where: TradeFilter, cursor: str | None, limit: int
) -> tuple[list[dict[str, Any]], str | None]:
    """A page of response items, and the cursor of the next page (None on the last)."""
    if where.since and where.until and _utc(where.since) >= _utc(where.until):
        raise Problem(422, "'from' must be before 'to'.", type_="validation-error")
    values: dict[str, Any] = {
        "user": principal.id,
        "farm_id": where.farm_id,
        "crop": where.crop,
        "since": _utc(where.since) if where.since else None,
        "until": _utc(where.until) if where.until else None,
        "limit": limit + 1,
    }
    if cursor:
        values["after_at"], values["after_id"] = _cursor(cursor)
    given = tuple(name for name in FILTERS if (cursor if name == "cursor" else values[name]))
    query = _query(await _scope(conn, principal, where.farm_id), given, where.status)
    rows = await conn.fetch(query.text, *query.args(values))
    admin = principal.is_admin
    items = [item(row, admin) for row in rows[:limit]]
    if len(rows) <= limit:
        return items, None
    last = rows[limit - 1]
    return items, encode_cursor(last["created_at"].isoformat(), str(last["id"]))
