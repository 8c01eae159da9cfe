"""What each event tells whom: the notifications (``Draft``) an event of each class asks for.

Pure functions of the event: the consumer (``consumers.py``) turns them into the rows its one
statement writes (``store.notifications.DELIVER``). The texts come from ``templates.py``."""

from __future__ import annotations

from typing import Any

from pamtalk.events.catalogue import (
    EsgScored,
    PredictionCompleted,
    TokenMovement,
    TokenTransferred,
    TradeEvent,
    TransactionCancelled,
    TransactionFlagged,
    UserRegistered,
)
from pamtalk.events.envelope import Envelope
from services.notification.store.notifications import Draft


def _ref(transaction_id: Any) -> str:
    return "#" + str(transaction_id).replace("-", "")[:8]


def welcome(event: UserRegistered, envelope: Envelope) -> list[Draft]:
    return [Draft(event.user_id, "welcome", "welcome", {"name": event.display_name}, {"role": event.role})]


def trade(event: TradeEvent, envelope: Envelope) -> list[Draft]:
    kind = "trade." + envelope.type.split(".", 1)[1]  # transaction.settled -> trade.settled
    values: dict[str, Any] = {
        "crop": event.crop,
        "quantity": event.quantity,
        "total": event.total_value,
        "ref": _ref(event.transaction_id),
    }
    data: dict[str, Any] = {
        "trade_id": str(event.transaction_id),
        "transaction_id": str(event.transaction_id),  # deprecated: trade_id (kept for the app)
        "farm_id": str(event.farm_id),
        "crop": event.crop,
        "quantity": str(event.quantity),
        "total_value": str(event.total_value),
        "status": event.status,
    }
    if isinstance(event, TransactionCancelled):
        values["reason"] = event.reason
        data["reason"] = event.reason
    drafts = []
    for side, user_id in (("producer", event.producer_id), ("buyer", event.buyer_id)):
        template = kind if kind == "trade.cancelled" else f"{kind}/{side}"
        drafts.append(Draft(user_id, kind, template, values, {**data, "role": side}))
    return drafts


def trade_flagged(event: TransactionFlagged, envelope: Envelope) -> list[Draft]:
    # The parties learn that the trade is under review, not the anomaly signals behind it.
    values = {"ref": _ref(event.transaction_id)}
    trade_id = str(event.transaction_id)  # transaction_id is deprecated: trade_id (kept for the app)
    data = {"trade_id": trade_id, "transaction_id": trade_id, "risk_band": event.risk_band}
    return [
        Draft(user_id, "trade.flagged", "trade.flagged", values, {**data, "role": side})
        for side, user_id in (("producer", event.producer_id), ("buyer", event.buyer_id))
    ]


def esg_scored(event: EsgScored, envelope: Envelope) -> list[Draft]:
    values = {"grade": event.grade, "score": event.overall, "valid_until": event.valid_until}
    data = {
        "farm_id": str(event.farm_id),
        "assessment_id": str(event.assessment_id),
        "grade": event.grade,
        "overall": event.overall,
        "token_estimate": event.token_estimate,
    }
    return [Draft(event.owner_id, "esg.scored", "esg.scored", values, data)]


def tokens_received(event: TokenMovement, envelope: Envelope) -> list[Draft]:
    """Minted tokens notify their owner, transferred ones the receiver."""
    if isinstance(event, TokenTransferred):
        receiver, wallet = event.to_owner_id, event.to_wallet
    else:
        receiver, wallet = event.owner_id, event.wallet
    if receiver is None:  # a wallet no account has linked
        return []
    data = {
        "amount_micro": event.amount_micro,
        "wallet": wallet,
        "reason": event.reason,
        "reference": event.reference,
        "ledger_index": event.ledger_index,
    }
    return [Draft(receiver, "tokens.received", "tokens.received", {"amount": event.amount_micro}, data)]


def prediction(event: PredictionCompleted, envelope: Envelope) -> list[Draft]:
    data = {"job_id": str(event.job_id), "status": event.status, "result_url": event.result_url}
    return [Draft(event.requested_by, "forecast.finished", f"forecast.finished/{event.status}", {}, data)]
