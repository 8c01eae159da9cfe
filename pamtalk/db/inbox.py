"""Consumer inbox: each event's effect applied once, in the transaction that records it.

A consumer names its effects by event class, typed::

    effects = Effects().on(TransactionSettled, reward).on(EsgScored, record_assessment)
    handler = handle_once(db, "blockchain", effects)

An effect gets the ``Tx`` of the claim, the event as its class, and the envelope. An effect
for a base class (``TradeEvent``) serves every subclass without one of its own. The claim
(the event id in the ``inbox`` table) and the effect commit together, so a redelivered event
changes nothing, and a failed effect rolls its claim back so the retry applies it. An event
without an effect is recorded alone (one statement, no transaction).

The handler also takes a batch (``apply_batch``, used by the AMQP bus when several deliveries
are waiting): one transaction claims every event of it in one statement and applies the
claimed ones in delivery order, each in its own consumer span; the batch commits whole or not
at all, and after a failure the bus applies its events one at a time, so one bad event is
retried alone while the others are applied once.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, TypeVar

from sqlalchemy import Column, DateTime, MetaData, String, Table, Uuid, func

from pamtalk.bus.base import Delivery
from pamtalk.db.database import Database
from pamtalk.db.statements import sql
from pamtalk.db.tx import Read, Tx
from pamtalk.events.catalogue import CATALOGUE, parse
from pamtalk.events.envelope import Envelope, Event

log = logging.getLogger("pamtalk.inbox")
E = TypeVar("E", bound=Event)
Effect = Callable[[Tx, E, Envelope], Awaitable[None]]

CLAIM = sql(
    "INSERT INTO inbox (consumer, event_id) VALUES (:consumer, :event_id) "
    "ON CONFLICT DO NOTHING RETURNING event_id"
)
# Every event of a batch in one statement; an id given twice is claimed once.
CLAIM_MANY = sql(
    "INSERT INTO inbox (consumer, event_id) SELECT :consumer, unnest(CAST(:event_ids AS uuid[])) "
    "ON CONFLICT DO NOTHING RETURNING event_id"
)


def inbox_table(metadata: MetaData) -> Table:
    return Table(
        "inbox",
        metadata,
        Column("consumer", String(100), primary_key=True),
        Column("event_id", Uuid, primary_key=True),
        Column("handled_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    )


class Effects:
    """Effects by event class (built with ``on``; a class's own effect, else its nearest base's)."""

    def __init__(self) -> None:
        self._by_class: dict[type[Event], Effect[Any]] = {}
        self._resolved: dict[tuple[str, int], Effect[Any] | None] = {}

    def on(self, kind: type[E], effect: Callable[[Tx, E, Envelope], Awaitable[None]]) -> Effects:
        self._by_class[kind] = effect
        self._resolved.clear()
        return self

    def for_type(self, event_type: str, version: int) -> Effect[Any] | None:
        """The effect for events of this type and version (none for a type it does not know)."""
        key = (event_type, version)
        if key not in self._resolved:
            kind = CATALOGUE.get(key)
            own = (self._by_class[k] for k in kind.__mro__ if k in self._by_class) if kind else iter(())
            self._resolved[key] = next(own, None)
        return self._resolved[key]

    @property
    def kinds(self) -> Mapping[type[Event], Effect[Any]]:
        return self._by_class


async def claim(read: Read, consumer: str, envelope: Envelope) -> bool:
    """Record the event as handled by ``consumer``; False when it was handled before."""
    return await read.fetchval(CLAIM, consumer=consumer, event_id=envelope.event_id) is not None


class OnceHandler:
    """A bus handler applying each event's effect at most once per event id, alone
    (``__call__``) or a batch in one transaction (``apply_batch``)."""

    def __init__(self, db: Database, consumer: str, effects: Effects) -> None:
        self.db, self.consumer, self.effects = db, consumer, effects

    async def __call__(self, envelope: Envelope, headers: Mapping[str, str]) -> None:
        effect = self.effects.for_type(envelope.type, envelope.version)
        if effect is None:
            async with self.db.read() as read:  # one statement: it commits on its own
                claimed = await claim(read, self.consumer, envelope)
        else:
            async with self.db.write() as tx:
                if claimed := await claim(tx, self.consumer, envelope):
                    await effect(tx, parse(envelope), envelope)  # read only once claimed
        if not claimed:
            _duplicate(envelope)

    async def apply_batch(self, deliveries: Sequence[Delivery]) -> None:
        ids = [delivery.envelope.event_id for delivery in deliveries]
        async with self.db.write() as tx:
            claimed = {row[0] for row in await tx.fetch(CLAIM_MANY, consumer=self.consumer, event_ids=ids)}
            for delivery in deliveries:
                envelope = delivery.envelope
                if envelope.event_id not in claimed:
                    _duplicate(envelope)
                    continue
                claimed.discard(envelope.event_id)  # the same event twice in a batch: once
                effect = self.effects.for_type(envelope.type, envelope.version)
                if effect is not None:
                    with delivery.span():
                        await effect(tx, parse(envelope), envelope)


def _duplicate(envelope: Envelope) -> None:
    log.info("duplicate event ignored", extra={"event_id": str(envelope.event_id)})


def handle_once(db: Database, consumer: str, effects: Effects) -> OnceHandler:
    """A bus handler applying each event's effect at most once per event id."""
    return OnceHandler(db, consumer, effects)
