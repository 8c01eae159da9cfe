"""The ``notification_events`` consumer: which events notify whom, with what.

Each event is handled once (the kit's inbox, in the same transaction as the inserts; the
unique (event_id, user_id, kind) makes a second delivery insert nothing even without it).
The effects are plain SQL on the claim's pooled connection (``handle_once``).
After the commit, each new notification is announced on its user's Redis channel so that
every replica's open streams pick it up."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from contextvars import ContextVar
from typing import Any

from pamtalk.bus.base import Handler
from pamtalk.db.inbox import EffectFn, handle_once_legacy
from pamtalk.db.outbox import PlainTx
from pamtalk.events.catalogue import (
    EsgScored,
    PredictionCompleted,
    TokenMinted,
    TokenTransferred,
    TradeEvent,
    TransactionCancelled,
    TransactionFlagged,
    UserRegistered,
    UserUpdated,
)
from pamtalk.events.envelope import Envelope, Event
from pamtalk.metrics import EVENTS_HANDLED
from pamtalk.runtime import Runtime
from services.notification import live, recipients, store
from services.notification.models import inbox
from services.notification.settings import NotificationSettings
from services.notification.store import Draft, Written

log = logging.getLogger("pamtalk.notification.consumer")
QUEUE = "notification_events"
CONSUMER = "notification"

# Rows written by the delivery being handled (set per delivery by ``build``).
_written: ContextVar[list[Written] | None] = ContextVar("notifications_written", default=None)


async def _deliver(tx: PlainTx, envelope: Envelope, drafts: list[Draft]) -> None:
    written = await store.deliver(tx.conn, envelope.event_id, drafts)
    if (sink := _written.get()) is not None:
        sink.extend(written)


def _ref(transaction_id: Any) -> str:
    return "#" + str(transaction_id).replace("-", "")[:8]


async def on_user_registered(tx: PlainTx, event: Event, envelope: Envelope) -> None:
    assert isinstance(event, UserRegistered)
    await recipients.remember(tx.conn, event, envelope.occurred_at)
    draft = Draft(event.user_id, "welcome", "welcome", {"name": event.display_name}, {"role": event.role})
    await _deliver(tx, envelope, [draft])


async def on_user_updated(tx: PlainTx, event: Event, envelope: Envelope) -> None:
    assert isinstance(event, UserUpdated)
    await recipients.remember(tx.conn, event, envelope.occurred_at)


async def on_trade(tx: PlainTx, event: Event, envelope: Envelope) -> None:
    assert isinstance(event, TradeEvent)
    kind = "trade." + envelope.type.split(".", 1)[1]  # transaction.settled -> trade.settled
    values: dict[str, Any] = {
        "crop": event.crop,
        "quantity": event.quantity,
        "total": event.total_value,
        "ref": _ref(event.transaction_id),
    }
    data: dict[str, Any] = {
        "transaction_id": str(event.transaction_id),
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
    await _deliver(tx, envelope, drafts)


async def on_trade_flagged(tx: PlainTx, event: Event, envelope: Envelope) -> None:
    # The parties learn that the trade is under review, not the anomaly signals behind it.
    assert isinstance(event, TransactionFlagged)
    values = {"ref": _ref(event.transaction_id)}
    data = {"transaction_id": str(event.transaction_id), "risk_band": event.risk_band}
    drafts = [
        Draft(user_id, "trade.flagged", "trade.flagged", values, {**data, "role": side})
        for side, user_id in (("producer", event.producer_id), ("buyer", event.buyer_id))
    ]
    await _deliver(tx, envelope, drafts)


async def on_esg_scored(tx: PlainTx, event: Event, envelope: Envelope) -> None:
    assert isinstance(event, EsgScored)
    values = {"grade": event.grade, "score": event.overall, "valid_until": event.valid_until}
    data = {
        "farm_id": str(event.farm_id),
        "assessment_id": str(event.assessment_id),
        "grade": event.grade,
        "overall": event.overall,
        "token_estimate": event.token_estimate,
    }
    await _deliver(tx, envelope, [Draft(event.owner_id, "esg.scored", "esg.scored", values, data)])


async def on_tokens(tx: PlainTx, event: Event, envelope: Envelope) -> None:
    """Minted tokens notify their owner, transferred ones the receiver; burns notify nobody."""
    if isinstance(event, TokenTransferred):
        receiver, wallet = event.to_owner_id, event.to_wallet
    elif isinstance(event, TokenMinted):
        receiver, wallet = event.owner_id, event.wallet
    else:
        return
    if receiver is None:  # a wallet no account has linked
        return
    data = {
        "amount_micro": event.amount_micro,
        "wallet": wallet,
        "reason": event.reason,
        "reference": event.reference,
        "ledger_index": event.ledger_index,
    }
    draft = Draft(receiver, "tokens.received", "tokens.received", {"amount": event.amount_micro}, data)
    await _deliver(tx, envelope, [draft])


async def on_prediction(tx: PlainTx, event: Event, envelope: Envelope) -> None:
    assert isinstance(event, PredictionCompleted)
    data = {"job_id": str(event.job_id), "status": event.status, "result_url": event.result_url}
    draft = Draft(event.requested_by, "forecast.finished", f"forecast.finished/{event.status}", {}, data)
    await _deliver(tx, envelope, [draft])


EFFECTS: dict[str, EffectFn] = {
    "user.registered": on_user_registered,
    "user.updated": on_user_updated,
    "transaction.flagged": on_trade_flagged,  # before "transaction.*": the first match wins
    "transaction.*": on_trade,
    "esg.scored": on_esg_scored,
    "token.*": on_tokens,
    "prediction.completed": on_prediction,
}


def build(runtime: Runtime) -> Handler:
    """The bus handler: apply the effect once, then announce what was written."""
    settings = runtime.settings
    assert isinstance(settings, NotificationSettings)
    once = handle_once_legacy(runtime.db, inbox, CONSUMER, EFFECTS)
    handled, failed = (
        EVENTS_HANDLED.labels(CONSUMER, QUEUE, "ok"),
        EVENTS_HANDLED.labels(CONSUMER, QUEUE, "error"),
    )

    async def handler(envelope: Envelope, headers: Mapping[str, str]) -> None:
        written: list[Written] = []
        token = _written.set(written)
        try:
            await once(envelope, headers)
        except Exception:
            failed.inc()
            raise
        finally:
            _written.reset(token)
        handled.inc()
        # Committed: a failed announcement must not fail the message (a retry would find the
        # event handled and announce nothing). Open streams re-read the database anyway.
        try:
            await live.announce(runtime.redis, settings.channel_prefix, written)
        except Exception:
            log.warning("live announcement failed", extra={"event_id": str(envelope.event_id)})

    return handler
