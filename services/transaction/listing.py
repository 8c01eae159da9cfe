"""Listing trades: mine (as buyer or producer), a farm's (for its owner), or all (admins),
filtered by crop, status and a time range, newest first, with a keyset cursor on
``(created_at, id)``. The statement of each shape of request (whose trades, which filters
are given) is written once (``store.trades.page_statement``); rows become response items
directly (``items.item``)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pamtalk.auth.jwks import Principal
from pamtalk.db.tx import Read
from pamtalk.errors import Problem
from pamtalk.pagination import decode_cursor, encode_cursor
from services.transaction.items import item
from services.transaction.store import farms, trades


@dataclass(frozen=True)
class TradeFilter:
    crop: str | None = None
    status: str | None = None
    since: datetime | None = None  # inclusive
    until: datetime | None = None  # exclusive
    farm_id: uuid.UUID | None = None


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


async def _scope(read: Read, principal: Principal, farm_id: uuid.UUID | None) -> str:
    """Whose trades the caller may list: their own ("mine", as buyer or producer), all of a
    farm's (its owner), theirs with a farm, or all (admins)."""
    if farm_id is not None:
        if principal.is_admin or await farms.owner_of(read, farm_id) == principal.id:
            return "farm"  # every trade of the farm, for its owner
        return "farm_mine"
    return "all" if principal.is_admin else "mine"


async def list_trades(
    read: Read, principal: Principal, where: TradeFilter, cursor: str | None, limit: int
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
    given = tuple(name for name in trades.FILTERS if (cursor if name == "cursor" else values[name]))
    scope = await _scope(read, principal, where.farm_id)
    rows = await trades.page(read, scope, given, where.status, values)
    admin = principal.is_admin
    items = [item(row, admin) for row in rows[:limit]]
    if len(rows) <= limit:
        return items, None
    last = rows[limit - 1]
    return items, encode_cursor(last["created_at"].isoformat(), str(last["id"]))
