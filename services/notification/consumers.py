"""The ``notification_events`` consumer: which events notify whom, with what.

Each event is handled once: the kit's inbox claims it in the same transaction as the
inserts (and the unique (event_id, user_id, kind) makes a second delivery insert nothing
even without it). Once that transaction has committed, each new notification is announced
on its user's Redis channel so that every replica's open streams pick it up."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from redis.asyncio import Redis

from pamtalk.bus.base import Delivery, Handler
from pamtalk.db.inbox import Effects, OnceHandler, handle_once
from pamtalk.db.tx import Tx
from pamtalk.events.catalogue import (
    EsgScored,
    PredictionCompleted,
    TokenMinted,
    TokenMovement,
    TokenTransferred,
    TradeEvent,
    TransactionCancelled,
    TransactionFlagged,
    UserRegistered,
    UserUpdated,
)
from pamtalk.events.envelope import Envelope
from pamtalk.metrics import EVENTS_HANDLED
from pamtalk.runtime import Runtime, service_state
from services.notification import live
from services.notification.state import NotificationState
from services.notification.store import notifications, recipients
from services.notification.store.notifications import Draft, Written
from services.notification.templates import language_of

log = logging.getLogger("pamtalk.notification.consumer")
QUEUE = "notification_events"
CONSUMER = "notification"


def _ref(transaction_id: Any) -> str:
    return "#" + str(transaction_id).replace("-", "")[:8]


class Notifier:
    """The effects of each event class: write the notifications in the event's transaction
    and announce them after its commit."""

    def __init__(self, redis: Redis, channel_prefix: str) -> None:
        self.redis = redis
        self.channel_prefix = channel_prefix

    def effects(self) -> Effects:
        return (
            Effects()
            .on(UserRegistered, self.user_registered)
            .on(UserUpdated, self.user_updated)
            .on(TradeEvent, self.trade)
            .on(TransactionFlagged, self.trade_flagged)
            .on(EsgScored, self.esg_scored)
            .on(TokenMinted, self.tokens_received)
            .on(TokenTransferred, self.tokens_received)  # burns have no effect: nobody is told
            .on(PredictionCompleted, self.prediction)
        )

    async def _deliver(self, tx: Tx, envelope: Envelope, drafts: Sequence[Draft]) -> None:
        written = await notifications.deliver(tx, envelope.event_id, drafts)
        if written:
            tx.after_commit(lambda: self._announce(envelope.event_id, written))

    async def _announce(self, event_id: uuid.UUID, written: list[Written]) -> None:
        # Committed: a failed announcement must not fail the message (a retry would find the
        # event handled and announce nothing). Open streams re-read the database anyway.
        try:
            await live.announce(self.redis, self.channel_prefix, written)
        except Exception:
            log.warning("live announcement failed", extra={"event_id": str(event_id)})

    async def user_registered(self, tx: Tx, event: UserRegistered, envelope: Envelope) -> None:
        await _remember(tx, event, envelope)
        draft = Draft(event.user_id, "welcome", "welcome", {"name": event.display_name}, {"role": event.role})
        await self._deliver(tx, envelope, [draft])

    async def user_updated(self, tx: Tx, event: UserUpdated, envelope: Envelope) -> None:
        await _remember(tx, event, envelope)

    async def trade(self, tx: Tx, event: TradeEvent, envelope: Envelope) -> None:
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
        await self._deliver(tx, envelope, drafts)

    async def trade_flagged(self, tx: Tx, event: TransactionFlagged, envelope: Envelope) -> None:
        # The parties learn that the trade is under review, not the anomaly signals behind it.
        values = {"ref": _ref(event.transaction_id)}
        trade = str(event.transaction_id)  # transaction_id is deprecated: trade_id (kept for the app)
        data = {"trade_id": trade, "transaction_id": trade, "risk_band": event.risk_band}
        drafts = [
            Draft(user_id, "trade.flagged", "trade.flagged", values, {**data, "role": side})
            for side, user_id in (("producer", event.producer_id), ("buyer", event.buyer_id))
        ]
        await self._deliver(tx, envelope, drafts)

    async def esg_scored(self, tx: Tx, event: EsgScored, envelope: Envelope) -> None:
        values = {"grade": event.grade, "score": event.overall, "valid_until": event.valid_until}
        data = {
            "farm_id": str(event.farm_id),
            "assessment_id": str(event.assessment_id),
            "grade": event.grade,
            "overall": event.overall,
            "token_estimate": event.token_estimate,
        }
        await self._deliver(tx, envelope, [Draft(event.owner_id, "esg.scored", "esg.scored", values, data)])

    async def tokens_received(self, tx: Tx, event: TokenMovement, envelope: Envelope) -> None:
        """Minted tokens notify their owner, transferred ones the receiver."""
        if isinstance(event, TokenTransferred):
            receiver, wallet = event.to_owner_id, event.to_wallet
        else:
            receiver, wallet = event.owner_id, event.wallet
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
        await self._deliver(tx, envelope, [draft])

    async def prediction(self, tx: Tx, event: PredictionCompleted, envelope: Envelope) -> None:
        data = {"job_id": str(event.job_id), "status": event.status, "result_url": event.result_url}
        draft = Draft(event.requested_by, "forecast.finished", f"forecast.finished/{event.status}", {}, data)
        await self._deliver(tx, envelope, [draft])


async def _remember(tx: Tx, user: UserRegistered | UserUpdated, envelope: Envelope) -> None:
    await recipients.remember(
        tx,
        user.user_id,
        language=language_of(user.language),
        display_name=user.display_name[:100],
        as_of=envelope.occurred_at,
    )


class Counted:
    """The inbox handler, its events counted (a batch that fails is counted as its events
    are then handled one at a time)."""

    def __init__(self, once: OnceHandler) -> None:
        self.once = once
        self.handled = EVENTS_HANDLED.labels(CONSUMER, QUEUE, "ok")
        self.failed = EVENTS_HANDLED.labels(CONSUMER, QUEUE, "error")

    async def __call__(self, envelope: Envelope, headers: Mapping[str, str]) -> None:
        try:
            await self.once(envelope, headers)
        except Exception:
            self.failed.inc()
            raise
        self.handled.inc()

    async def apply_batch(self, deliveries: Sequence[Delivery]) -> None:
        await self.once.apply_batch(deliveries)
        self.handled.inc(len(deliveries))


def build(runtime: Runtime) -> Handler:
    """The bus handler: each event's effect once, counted."""
    state = service_state(runtime, NotificationState)
    return Counted(
        handle_once(runtime.db, CONSUMER, Notifier(runtime.redis, state.settings.channel_prefix).effects())
    )
