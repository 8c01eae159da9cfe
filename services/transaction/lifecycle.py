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
RETURNING`` (``store.trades.move``): of two concurrent moves of one trade the second finds
the row changed and matches nothing. Only when nothing matched is the trade read, to say
why (404, 403 or 409 with its current status).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pamtalk.auth.jwks import Principal
from pamtalk.db.tx import Read, Tx
from pamtalk.errors import Problem
from pamtalk.events.catalogue import (
    TradeEvent,
    TransactionCancelled,
    TransactionConfirmed,
    TransactionSettled,
)
from services.transaction.access import find_trade, is_party, not_found
from services.transaction.events import publish
from services.transaction.ids import created_at_of
from services.transaction.store import trades


@dataclass(frozen=True)
class Move:
    verb: str
    sources: trades.Allowed  # (actor: "buyer", "producer" or "admin"; the states it may move from)
    to: str  # the status it moves to ("back": the one it had before review)
    event: type[TradeEvent] | None = None


CONFIRM = Move("confirm", (("producer", ("pending",)),), "confirmed", TransactionConfirmed)
SETTLE = Move("settle", (("buyer", ("confirmed",)),), "settled", TransactionSettled)
CANCEL = Move(
    "cancel",
    (("buyer", ("pending",)), ("producer", ("pending", "confirmed"))),
    "cancelled",
    TransactionCancelled,
)
CLEAR = Move("clear", (("admin", ("under_review",)),), "back")
REVIEW_CANCEL = Move("cancel", (("admin", ("under_review",)),), "cancelled", TransactionCancelled)


def _is_actor(actor: str, principal: Principal, trade: Mapping[str, Any]) -> bool:
    if actor == "buyer":
        return bool(trade["buyer_id"] == principal.id)
    if actor == "producer":
        return bool(trade["producer_id"] == principal.id)
    return principal.is_admin


async def apply(
    tx: Tx,
    move: Move,
    trade_id: uuid.UUID,
    principal: Principal,
    now: datetime,
    **values: Any,
) -> Mapping[str, Any]:
    """Make the move (``values``: those of a cancel: ``cancel_reason``, ``cancelled_by``) and
    queue its event; the trade as it is now (``store.trades.COLUMNS``)."""
    created_at = created_at_of(trade_id)
    if created_at is None:
        raise not_found()
    key = (trade_id, created_at)
    trade = await trades.move(tx, move.to, move.sources, principal.is_admin, key, principal.id, now, **values)
    if trade is None:
        raise await _why_not(tx, move, trade_id, principal)
    if move.event is not None:
        await publish(tx, move.event, trade, now)
    return trade


async def _why_not(read: Read, move: Move, trade_id: uuid.UUID, principal: Principal) -> Problem:
    trade = await find_trade(read, trade_id)
    if trade is None or not (is_party(principal, trade) or principal.is_admin):
        return not_found()
    mine = [states for actor, states in move.sources if _is_actor(actor, principal, trade)]
    if not mine:
        who = " or ".join(_ACTOR_NAMES[actor] for actor, _ in move.sources)
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
