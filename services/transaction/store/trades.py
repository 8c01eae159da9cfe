"""Trades: their SQL, written once, with explicit column lists.

A trade is read from the one monthly partition its id's time points to (see ``ids.py``):
``WHERE id = :id AND created_at = :created_at`` is pruned to one partition and answered from
its primary-key index."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from functools import cache
from typing import Any

from asyncpg import Record

from pamtalk.db.statements import Sql, sql
from pamtalk.db.tx import Read, Tx
from services.transaction.models import STATUSES

# What a trade read shows: its response item's columns, then what its events need besides.
SHOWN = tuple(
    "id farm_id producer_id buyer_id crop quantity unit_price total_value quality_score delivery_hours "
    "payment_method location producer_esg_score status cancel_reason review "
    "created_at updated_at confirmed_at settled_at cancelled_at".split()
)
COLUMNS = (*SHOWN, "producer_wallet")
# What opening a trade writes (the other columns stay NULL): what the buyer asked for, and
# the producer, ESG score and wallet of the farm as it is, from the read model.
ASKED = tuple(
    "id created_at farm_id buyer_id buyer_role crop quantity unit_price total_value quality_score "
    "delivery_hours payment_method status updated_at".split()
)
FROM_FARM = {  # trade column: its value, from the farm's row
    "producer_id": "owner_id",
    "location": "coalesce(:location, region)",  # where to deliver, else the farm's region
    "producer_esg_score": "esg_score",
    "producer_wallet": "wallet_address",
}
OPENED = (*ASKED, *FROM_FARM)

BY_ID = sql(f"SELECT {', '.join(COLUMNS)} FROM transactions WHERE id = :id AND created_at = :created_at")
# The trade is inserted in the statement that reads its farm (nothing is inserted for an
# unknown farm), and the farm is returned to be judged: a farm that takes no trade is a
# problem, which rolls the insert back with the rest of the transaction.
_JUDGED = "owner_id, region, crops, status, esg_score, wallet_address"  # of the farm
_OPEN_AT_FARM = sql(
    f"WITH farm AS (SELECT {_JUDGED} FROM farms WHERE farm_id = :farm_id), "
    f"opened AS (INSERT INTO transactions ({', '.join(OPENED)}) "
    f"SELECT {', '.join(':' + name for name in ASKED)}, {', '.join(FROM_FARM.values())} FROM farm) "
    f"SELECT {_JUDGED} FROM farm"
)
# A flagged trade goes under review if it is still pending or confirmed; the status it had
# is kept for an admin's "clear".
_UNDER_REVIEW = sql(
    "UPDATE transactions SET status = 'under_review', status_before_review = status, "
    "review = CAST(:review AS jsonb), updated_at = now() "
    "WHERE id = :id AND created_at = :created_at AND status IN ('pending', 'confirmed') RETURNING id"
)


async def by_id(read: Read, trade_id: uuid.UUID, created_at: datetime) -> Record | None:
    """The trade's row (``COLUMNS``)."""
    return await read.fetchrow(BY_ID, id=trade_id, created_at=created_at)


async def open_at_farm(tx: Tx, trade: Mapping[str, Any]) -> Record | None:
    """Insert a new trade (``trade``: the ``ASKED`` columns, and the ``location`` asked for or
    None) with its farm's producer, ESG score, wallet and region; the farm's ``owner_id,
    region, crops, status, esg_score, wallet_address``, or None (nothing inserted) when the
    farm is unknown."""
    return await tx.fetchrow(_OPEN_AT_FARM, **trade)


async def put_under_review(tx: Tx, trade_id: uuid.UUID, created_at: datetime, review: str) -> bool:
    """Hold a pending or confirmed trade for review (``review``: the flag, as JSON); False
    when the trade is unknown or past review."""
    found = await tx.fetchval(_UNDER_REVIEW, id=trade_id, created_at=created_at, review=review)
    return found is not None


# ---- moves along the lifecycle (``lifecycle.py`` says which; this writes them) ----
# What each resulting status sets besides ``updated_at``; "back" is where a trade under
# review was before it.
_SETS = {
    "confirmed": ("status = 'confirmed'", "confirmed_at = :now"),
    "settled": ("status = 'settled'", "settled_at = :now"),
    "cancelled": (
        "status = 'cancelled'",
        "cancelled_at = :now",
        "cancel_reason = :cancel_reason",
        "cancelled_by = :cancelled_by",
    ),
    "back": ("status = coalesce(status_before_review, 'pending')", "status_before_review = NULL"),
}
_PARTY = {"buyer": "buyer_id = :user", "producer": "producer_id = :user"}
Allowed = tuple[tuple[str, tuple[str, ...]], ...]  # (party, the statuses it may move the trade from)


def _status_in(statuses: tuple[str, ...]) -> str:
    """The condition on the status, the statuses written in (all of them known): a prepared
    statement's generic plan can then use the partial indexes of pending trades, which a
    ``status = $n`` cannot prove it may (tests/transaction/bench_listing.py)."""
    unknown = set(statuses) - set(STATUSES)
    if unknown:
        raise ValueError(f"unknown trade status {sorted(unknown)!r}")
    if len(statuses) == 1:
        return f"status = '{statuses[0]}'"
    return "status IN (" + ", ".join(f"'{status}'" for status in statuses) + ")"


@cache
def move_statement(to: str, allowed: Allowed, admin: bool) -> Sql:
    """The conditional ``UPDATE ... RETURNING`` of a move to ``to``: it matches only when the
    caller is one of the parties ``allowed`` (an admin, known up front) and the trade is in
    a status that party may move it from."""
    pairs = " OR ".join(
        f"({_PARTY.get(party, 'true' if admin else 'false')} AND {_status_in(states)})"
        for party, states in allowed
    )
    sets = ", ".join((*_SETS[to], "updated_at = :now"))
    return sql(
        f"UPDATE transactions SET {sets} WHERE id = :id AND created_at = :created_at AND ({pairs}) "
        f"RETURNING {', '.join(COLUMNS)}"
    )


async def move(
    tx: Tx,
    to: str,
    allowed: Allowed,
    admin: bool,
    key: tuple[uuid.UUID, datetime],
    user: uuid.UUID,
    now: datetime,
    **values: Any,
) -> Record | None:
    """Move the trade ``key`` (its id and creation time) to ``to``; None when the move did
    not match (see ``move_statement``)."""
    trade_id, created_at = key
    statement = move_statement(to, allowed, admin)
    return await tx.fetchrow(statement, id=trade_id, created_at=created_at, user=user, now=now, **values)


# ---- pages of trades, newest first, with a keyset on (created_at, id) ----
NEWEST = "ORDER BY created_at DESC, id DESC"
# The page is read typed (ordered by uuid), then ids and amounts are sent as text: orjson
# writes strings as they come, where decimals and asyncpg's UUIDs each cost it a callback.
_AS_TEXT = ("id", "farm_id", "producer_id", "buyer_id", "quantity", "unit_price", "total_value")
_PAGE = ", ".join(f"{name}::text AS {name}" if name in _AS_TEXT else name for name in SHOWN)
FILTERS = ("crop", "since", "until", "cursor")  # each given or not (and the status)
# The conditions of each filter. Time bounds are plain ``created_at`` comparisons so that
# PostgreSQL prunes the monthly partitions outside them; the cursor's plain bound does the
# same, its row comparison is the key.
_CONDITIONS = {
    "crop": ["crop = :crop"],
    "since": ["created_at >= :since"],
    "until": ["created_at < :until"],
    "cursor": ["created_at <= :after_at", "(created_at, id) < (:after_at, :after_id)"],
}
SCOPES = ("mine", "farm", "farm_mine", "all")


def _select(where: list[str]) -> str:
    clause = f" WHERE {' AND '.join(where)}" if where else ""
    return f"SELECT {', '.join(SHOWN)} FROM transactions{clause} {NEWEST} LIMIT :limit"


@cache
def page_statement(scope: str, given: tuple[str, ...], status: str | None = None) -> Sql:
    """The page of a scope ("mine": the caller's as buyer or producer; "farm": a farm's;
    "farm_mine": the caller's with a farm; "all"), the filters given and the status asked
    for. Values: ``user``, ``farm_id``, ``limit`` and those of the filters.

    "mine" is my trades as buyer, then as producer, each read newest first from its own
    ``(party, created_at, id)`` index and merged: an ``OR`` of the two parties would walk the
    whole ``created_at`` index for a user with few trades. My pending trades come from the
    ``(party, created_at, id) WHERE status = 'pending'`` indexes."""
    filters = [condition for name in given for condition in _CONDITIONS[name]]
    if status is not None:
        filters.append(_status_in((status,)))
    if scope == "mine":
        as_buyer = _select(["buyer_id = :user", *filters])
        as_producer = _select(["producer_id = :user", "buyer_id <> :user", *filters])
        page = f"({as_buyer}) UNION ALL ({as_producer}) {NEWEST} LIMIT :limit"
    elif scope == "farm":
        page = _select(["farm_id = :farm_id", *filters])
    elif scope == "farm_mine":
        page = _select(["farm_id = :farm_id", "(buyer_id = :user OR producer_id = :user)", *filters])
    elif scope == "all":
        page = _select(filters)
    else:
        raise ValueError(f"unknown scope {scope!r}")
    # qualified: a bare ``id`` in this ORDER BY would be the text column
    return sql(f"SELECT {_PAGE} FROM ({page}) AS page ORDER BY page.created_at DESC, page.id DESC")


async def page(
    read: Read, scope: str, given: tuple[str, ...], status: str | None, values: Mapping[str, Any]
) -> list[Record]:
    """The rows (``SHOWN``; ids and amounts as text) of a page (see ``page_statement``)."""
    return await read.fetch(page_statement(scope, given, status), **values)
