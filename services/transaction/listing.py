"""Listing trades: mine (as buyer or producer), a farm's (for its owner), or all (admins),
filtered by crop, status and a time range, newest first, with a keyset cursor on
``(created_at, id)``. Time bounds are plain ``created_at`` comparisons so PostgreSQL prunes
the monthly partitions outside them (the cursor bounds the range too)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, Executable, Select, desc, or_, select, tuple_, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from pamtalk.auth.jwks import Principal
from pamtalk.errors import Problem
from pamtalk.pagination import decode_cursor, encode_cursor
from services.transaction.farms import owns_farm
from services.transaction.models import Trade


@dataclass(frozen=True)
class TradeFilter:
    crop: str | None = None
    status: str | None = None
    since: datetime | None = None  # inclusive
    until: datetime | None = None  # exclusive
    farm_id: uuid.UUID | None = None


def _utc(at: datetime) -> datetime:
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at


async def _scope(
    session: AsyncSession, principal: Principal, farm_id: uuid.UUID | None
) -> Select[Trade] | None:
    """The trades the caller may list; None for "mine" (as buyer or producer, see ``_mine``)."""
    query = select(Trade)
    if farm_id is not None:
        query = query.where(Trade.farm_id == farm_id)
        if principal.is_admin or await owns_farm(session, farm_id, principal.id):
            return query  # every trade of the farm, for its owner
        return query.where(or_(Trade.buyer_id == principal.id, Trade.producer_id == principal.id))
    if principal.is_admin:
        return query
    return None


def _mine(user_id: uuid.UUID, conditions: list[ColumnElement[bool]], limit: int) -> Executable:
    """My trades as buyer, then as producer, each read newest first from its own
    ``(party, created_at, id)`` index and merged: an ``OR`` of the two parties would walk the
    whole ``created_at`` index for a user with few trades (40 ms at 100,000 trades; 1 ms so)."""
    order = (Trade.created_at.desc(), Trade.id.desc())
    as_buyer = select(Trade).where(Trade.buyer_id == user_id, *conditions).order_by(*order).limit(limit)
    as_producer = (
        select(Trade)
        .where(Trade.producer_id == user_id, Trade.buyer_id != user_id, *conditions)
        .order_by(*order)
        .limit(limit)
    )
    # Merged by column name, without an aliased entity: adapting an alias's attributes cost a
    # third of the process's CPU under load (py-spy).
    merged = union_all(as_buyer, as_producer).order_by(desc("created_at"), desc("id")).limit(limit)
    return select(Trade).from_statement(merged)


def _cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    created_at, trade_id = decode_cursor(cursor, 2)
    try:
        return _utc(datetime.fromisoformat(str(created_at))), uuid.UUID(str(trade_id))
    except ValueError as exc:
        raise Problem(
            422, "The cursor is not valid; use next_cursor as given.", type_="invalid-cursor"
        ) from exc


async def list_trades(
    session: AsyncSession, principal: Principal, where: TradeFilter, cursor: str | None, limit: int
) -> tuple[list[Trade], str | None]:
    if where.since and where.until and _utc(where.since) >= _utc(where.until):
        raise Problem(422, "'from' must be before 'to'.", type_="validation-error")
    conditions: list[ColumnElement[bool]] = []
    if where.crop:
        conditions.append(Trade.crop == where.crop)
    if where.status:
        conditions.append(Trade.status == where.status)
    if where.since:
        conditions.append(Trade.created_at >= _utc(where.since))
    if where.until:
        conditions.append(Trade.created_at < _utc(where.until))
    if cursor:
        after_at, after_id = _cursor(cursor)
        conditions += [
            Trade.created_at <= after_at,
            tuple_(Trade.created_at, Trade.id) < tuple_(after_at, after_id),
        ]
    scoped = await _scope(session, principal, where.farm_id)
    if scoped is None:
        query = _mine(principal.id, conditions, limit + 1)
    else:
        query = scoped.where(*conditions).order_by(Trade.created_at.desc(), Trade.id.desc()).limit(limit + 1)
    rows = list((await session.scalars(query)).all())
    if len(rows) <= limit:
        return rows, None
    last = rows[limit - 1]
    return rows[:limit], encode_cursor(last.created_at.isoformat(), str(last.id))
