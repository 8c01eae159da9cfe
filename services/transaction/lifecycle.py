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
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, false, func, or_, true, update
from sqlalchemy.ext.asyncio import AsyncSession

from pamtalk.auth.jwks import Principal
from pamtalk.errors import Problem
from pamtalk.events.catalogue import (
    TradeEvent,
    TransactionCancelled,
    TransactionConfirmed,
    TransactionSettled,
)
from services.transaction.events import publish
from services.transaction.ids import created_at_of
from services.transaction.models import Trade
from services.transaction.rows import COLUMNS, driver, trade_row
from services.transaction.trades import find_trade, is_party, not_found


@dataclass(frozen=True)
class Move:
    verb: str
    sources: dict[str, tuple[str, ...]]  # actor ("buyer", "producer", "admin") -> states it may move from
    values: dict[str, Any] = field(default_factory=dict)
    event: type[TradeEvent] | None = None
    timestamp: str | None = None  # column stamped with the time of the move


CONFIRM = Move(
    "confirm", {"producer": ("pending",)}, {"status": "confirmed"}, TransactionConfirmed, "confirmed_at"
)
SETTLE = Move("settle", {"buyer": ("confirmed",)}, {"status": "settled"}, TransactionSettled, "settled_at")
CANCEL = Move(
    "cancel",
    {"buyer": ("pending",), "producer": ("pending", "confirmed")},
    {"status": "cancelled"},
    TransactionCancelled,
    "cancelled_at",
)
CLEAR = Move(
    "clear",
    {"admin": ("under_review",)},
    {"status": func.coalesce(Trade.status_before_review, "pending"), "status_before_review": None},
)
REVIEW_CANCEL = Move(
    "cancel", {"admin": ("under_review",)}, {"status": "cancelled"}, TransactionCancelled, "cancelled_at"
)


def _actor_matches(actor: str, principal: Principal) -> ColumnElement[bool]:
    if actor == "buyer":
        return Trade.buyer_id == principal.id
    if actor == "producer":
        return Trade.producer_id == principal.id
    return true() if principal.is_admin else false()


def _allowed(move: Move, principal: Principal) -> ColumnElement[bool]:
    return or_(
        *(
            and_(_actor_matches(actor, principal), Trade.status.in_(states))
            for actor, states in move.sources.items()
        )
    )


def _is_actor(actor: str, principal: Principal, trade: Mapping[str, Any]) -> bool:
    if actor == "buyer":
        return bool(trade["buyer_id"] == principal.id)
    if actor == "producer":
        return bool(trade["producer_id"] == principal.id)
    return principal.is_admin


async def apply(
    session: AsyncSession,
    move: Move,
    trade_id: uuid.UUID,
    principal: Principal,
    now: datetime,
    **values: Any,
) -> Trade:
    created_at = created_at_of(trade_id)
    if created_at is None:
        raise not_found()
    stamped = {move.timestamp: now} if move.timestamp else {}
    statement = (
        update(Trade)
        .where(Trade.id == trade_id, Trade.created_at == created_at, _allowed(move, principal))
        .values(**move.values, **stamped, **values, updated_at=now)
        .returning(Trade)
        .execution_options(synchronize_session=False)
    )
    trade = (await session.execute(statement)).scalar_one_or_none()
    if trade is None:
        raise await _why_not(session, move, trade_id, principal)
    if move.event is not None:
        await publish(session, move.event, trade_row(getattr(trade, name) for name in COLUMNS), now)
    return trade


async def _why_not(session: AsyncSession, move: Move, trade_id: uuid.UUID, principal: Principal) -> Problem:
    trade = await find_trade(await driver(session), trade_id)
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
