"""A trade's lifecycle: who may move it from which state to which.

```
pending --confirm (farm owner)--> confirmed --settle (buyer)--> settled
pending --cancel (buyer or farm owner)--> cancelled
confirmed --cancel (farm owner)--> cancelled
pending|confirmed --transaction.flagged--> under_review --review clear (admin)--> back where it was
                                           under_review --review cancel (admin)--> cancelled
```

The buyer settles: settling says payment and delivery are done, and it is the buyer who
received the goods and paid; the producer, who is rewarded with ESG-GOLD on settlement,
does not certify their own reward.

Each move is one conditional ``UPDATE ... WHERE id, created_at, <state and actor allowed>
RETURNING``: of two concurrent moves of one trade the second finds the row changed and
matches nothing. Only when nothing matched is the trade read, to say why (404, 403 or 409
with its current status).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

import asyncpg

from pamtalk.auth.jwks import Principal
from pamtalk.db.outbox import PlainTx
from pamtalk.db.raw import Sql, sql
from pamtalk.errors import Problem
from pamtalk.events.catalogue import (
    TradeEvent,
    TransactionCancelled,
    TransactionConfirmed,
    TransactionSettled,
)
from services.transaction.events import publish
from services.transaction.ids import created_at_of
from services.transaction.rows import COLUMNS, TABLE, TradeRow, trade_row
from services.transaction.trades import find_trade, is_party, not_found

CANCELS = ("status = 'cancelled'", "cancel_reason = :cancel_reason", "cancelled_by = :cancelled_by")


@dataclass(frozen=True, eq=False)  # compared (and cached) as itself
class Move:
    verb: str
    sources: dict[str, tuple[str, ...]]  # actor ("buyer", "producer", "admin") -> states it may move from
    sets: tuple[str, ...]  # SQL assignments; ``:name`` values are given to ``apply``
    event: type[TradeEvent] | None = None
    timestamp: str | None = None  # column stamped with the time of the move


CONFIRM = Move(
    "confirm", {"producer": ("pending",)}, ("status = 'confirmed'",), TransactionConfirmed, "confirmed_at"
)
SETTLE = Move("settle", {"buyer": ("confirmed",)}, ("status = 'settled'",), TransactionSettled, "settled_at")
CANCEL = Move(
    "cancel",
    {"buyer": ("pending",), "producer": ("pending", "confirmed")},
    CANCELS,
    TransactionCancelled,
    "cancelled_at",
)
CLEAR = Move(
    "clear",
    {"admin": ("under_review",)},
    ("status = coalesce(status_before_review, 'pending')", "status_before_review = NULL"),
)
REVIEW_CANCEL = Move("cancel", {"admin": ("under_review",)}, CANCELS, TransactionCancelled, "cancelled_at")
_ACTOR_IS = {"buyer": "buyer_id = :user", "producer": "producer_id = :user"}


def _allowed(move: Move, admin: bool) -> str:
    """Which (actor, state) pairs may make the move, as SQL (admins are known up front)."""
    pairs = []
    for actor, states in move.sources.items():
        who = _ACTOR_IS.get(actor, "true" if admin else "false")
        pairs.append(f"({who} AND status IN ({', '.join(map(repr, states))}))")
    return " OR ".join(pairs)


@cache
def _statement(move: Move, admin: bool) -> Sql:
    sets = ", ".join(
        (*move.sets, *((f"{move.timestamp} = :now",) if move.timestamp else ()), "updated_at = :now")
    )
    where = f"id = :id AND created_at = :created_at AND ({_allowed(move, admin)})"
    return sql(f"UPDATE {TABLE} SET {sets} WHERE {where} RETURNING {', '.join(COLUMNS)}")


def _is_actor(actor: str, principal: Principal, trade: Mapping[str, Any]) -> bool:
    if actor == "buyer":
        return bool(trade["buyer_id"] == principal.id)
    if actor == "producer":
        return bool(trade["producer_id"] == principal.id)
    return principal.is_admin


async def apply(
    tx: PlainTx,
    move: Move,
    trade_id: uuid.UUID,
    principal: Principal,
    now: datetime,
    **values: Any,
) -> TradeRow:
    """Make the move in one ``UPDATE ... RETURNING`` in the endpoint's plain transaction
    (``PlainWrite``: committed when the endpoint returns, database errors mapped by the kit);
    the trade as it is now."""
    created_at = created_at_of(trade_id)
    if created_at is None:
        raise not_found()
    statement = _statement(move, principal.is_admin)
    given = {**values, "id": trade_id, "created_at": created_at, "user": principal.id, "now": now}
    row = await tx.conn.fetchrow(statement.text, *statement.args(given))
    if row is None:
        raise await _why_not(tx.conn, move, trade_id, principal)
    trade = trade_row(row)
    if move.event is not None:
        await publish(tx, move.event, trade, now)
    return trade


async def _why_not(
    conn: asyncpg.Connection, move: Move, trade_id: uuid.UUID, principal: Principal
) -> Problem:
    trade = await find_trade(conn, trade_id)
    if trade is None or not (is_party(principal, trade) or principal.is_admin):
        return not_found()
    mine = [states for actor, states in move.sources.items() if _is_actor(actor, principal, trade)]
    if not mine:
        who = " or ".join(_ACTOR_NAMES[actor] for actor in move.sources)
        return Problem(403, f"Only {who} can {move.verb} this trade.", type_="forbidden")
    allowed = sorted({state for states in mine for state in states})
    return Problem(
        409,
        f"The trade is {trade['status']}; it cannot be {_past(move.verb)} from there.",
        type_="illegal-transition",
        current_status=trade["status"],
        allowed_from=allowed,
    )


_ACTOR_NAMES = {"buyer": "the buyer", "producer": "the farm's owner", "admin": "an admin"}


def _past(verb: str) -> str:
    return {"confirm": "confirmed", "settle": "settled", "cancel": "cancelled", "clear": "cleared"}[verb]
