"""The ``notification_events`` consumer: which events notify whom, with what.

Each event is handled once: the kit's inbox claims it in the statement that inserts its
notifications (``store.notifications.DELIVER``, the consumer's fold: a batch of such events is
one statement, no transaction round trips), and the unique (event_id, user_id, kind) makes a
second delivery insert nothing even without it. The user events first keep the recipient's
language and name (in a transaction, with their claim). Once committed, the new notifications
are announced on their users' Redis channels (one round trip) so that every replica's open
streams pick them up."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from redis.asyncio import Redis

from pamtalk.bus.base import Delivery, Handler
from pamtalk.db.folded import Row
from pamtalk.db.inbox import Effects, OnceHandler, handle_once
from pamtalk.db.tx import Tx
from pamtalk.events.catalogue import (
    EsgScored,
    PredictionCompleted,
    TokenMinted,
    TokenTransferred,
    TradeEvent,
    TransactionFlagged,
    UserRegistered,
    UserUpdated,
)
from pamtalk.events.envelope import Envelope, Event
from pamtalk.metrics import EVENTS_HANDLED
from pamtalk.runtime import Runtime, service_state
from services.notification import live
from services.notification.drafts import (
    esg_scored,
    prediction,
    tokens_received,
    trade,
    trade_flagged,
    welcome,
)
from services.notification.state import NotificationState
from services.notification.store import notifications, recipients
from services.notification.store.notifications import Draft
from services.notification.templates import language_of

log = logging.getLogger("pamtalk.notification.consumer")
QUEUE = "notification_events"
CONSUMER = "notification"
E = TypeVar("E", bound=Event)


class Notifier:
    """What each event class notifies: drafts, written by the inbox's one statement
    (``notifications.DELIVER``) and announced once committed; the user events also keep the
    recipient's language and name (an effect of their own, before their drafts)."""

    def __init__(self, redis: Redis, channel_prefix: str) -> None:
        self.redis = redis
        self.channel_prefix = channel_prefix

    def effects(self) -> Effects:
        return (
            Effects(notifications.DELIVER, after=self._announce)
            .on(UserRegistered, _remember)
            .rows(UserRegistered, _drafts(welcome))
            .on(UserUpdated, _remember)
            .rows(TradeEvent, _drafts(trade))
            .rows(TransactionFlagged, _drafts(trade_flagged))
            .rows(EsgScored, _drafts(esg_scored))
            .rows(TokenMinted, _drafts(tokens_received))
            .rows(TokenTransferred, _drafts(tokens_received))  # burns have no effect: nobody is told
            .rows(PredictionCompleted, _drafts(prediction))
        )

    async def _announce(self, written: Sequence[tuple[Any, ...]]) -> None:
        # Committed: a failed announcement must not fail the message (a retry would find the
        # event handled and announce nothing). Open streams re-read the database anyway.
        try:
            await live.announce(self.redis, self.channel_prefix, notifications.items(written))
        except Exception:
            log.warning("live announcement failed", extra={"notifications": len(written)})


def _drafts(draft: Callable[[E, Envelope], Sequence[Draft]]) -> Callable[[E, Envelope], list[Row]]:
    """The rows of an event class from its drafts."""

    def rows(event: E, envelope: Envelope) -> list[Row]:
        return [one.as_row() for one in draft(event, envelope)]

    return rows


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
