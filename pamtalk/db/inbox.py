"""Consumer inbox: each event's effect applied once, in the transaction that records it.

A consumer names its effects by event class, typed::

    effects = Effects().on(TransactionSettled, reward).on(EsgScored, record_assessment)
    handler = handle_once(db, "blockchain", effects)

An effect gets the ``Tx`` of the claim, the event as its class, and the envelope. An effect
for a base class (``TradeEvent``) serves every subclass without one of its own. The claim
(the event id in the ``inbox`` table) and the effect commit together, so a redelivered event
changes nothing, and a failed effect rolls its claim back so the retry applies it.

An effect can also be rows (``Effects(fold=...).rows(Kind, rows_of)``, ``pamtalk.db.folded``):
an event, or a batch, whose effects are all rows (or none) is applied as one statement - the
claims and the rows of the claimed events, no ``BEGIN``/``COMMIT`` round trips. An event
without any effect is recorded alone the same way.

The handler also takes a batch (``apply_batch``, used by the AMQP bus when several deliveries
are waiting): one statement, or one transaction that claims every event of it in one statement
and applies the claimed ones in delivery order, each in its own consumer span, their rows
last; the batch commits whole or not at all, and after a failure the bus applies its events
one at a time, so one bad event is retried alone while the others are applied once.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from typing import Any, TypeVar

from sqlalchemy import Column, DateTime, MetaData, String, Table, Uuid, func

from pamtalk.bus.base import Delivery
from pamtalk.db.database import Database
from pamtalk.db.folded import After, Fold, Row
from pamtalk.db.statements import sql
from pamtalk.db.tx import Read, Tx
from pamtalk.events.catalogue import CATALOGUE, parse
from pamtalk.events.envelope import Envelope, Event

log = logging.getLogger("pamtalk.inbox")
E = TypeVar("E", bound=Event)
Effect = Callable[[Tx, E, Envelope], Awaitable[None]]
RowsOf = Callable[[E, Envelope], Sequence[Row]]

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
    """Effects by event class: an effect of its own (``on``: statements on the claim's ``Tx``)
    or rows (``rows``: written by the consumer's ``Fold``), or both; a class's own, else its
    nearest base's."""

    def __init__(self, fold: Fold | None = None, after: After | None = None) -> None:
        self.fold, self.after = fold, after  # after: given the rows written, once committed
        self._by_class: dict[type[Event], Effect[Any]] = {}
        self._rows_by_class: dict[type[Event], RowsOf[Any]] = {}
        self._resolved: dict[tuple[str, int], tuple[Effect[Any] | None, RowsOf[Any] | None]] = {}

    def on(self, kind: type[E], effect: Callable[[Tx, E, Envelope], Awaitable[None]]) -> Effects:
        self._by_class[kind] = effect
        self._resolved.clear()
        return self

    def rows(self, kind: type[E], rows_of: Callable[[E, Envelope], Sequence[Row]]) -> Effects:
        """Events of ``kind`` write the rows ``rows_of`` gives, by the fold's statement (after
        the class's own effect, if it has one)."""
        if self.fold is None:
            raise TypeError("rows need the Fold that writes them: Effects(fold=...)")
        self._rows_by_class[kind] = rows_of
        self._resolved.clear()
        return self

    def resolve(self, event_type: str, version: int) -> tuple[Effect[Any] | None, RowsOf[Any] | None]:
        key = (event_type, version)
        if key not in self._resolved:
            mro = kind.__mro__ if (kind := CATALOGUE.get(key)) else ()
            effect = next((self._by_class[k] for k in mro if k in self._by_class), None)
            rows_of = next((self._rows_by_class[k] for k in mro if k in self._rows_by_class), None)
            self._resolved[key] = (effect, rows_of)
        return self._resolved[key]

    def for_type(self, event_type: str, version: int) -> Effect[Any] | None:
        """The effect for events of this type and version (none for a type it does not know)."""
        return self.resolve(event_type, version)[0]

    def rows_for(self, event_type: str, version: int) -> RowsOf[Any] | None:
        """The rows function for events of this type and version, if they write rows."""
        return self.resolve(event_type, version)[1]

    @property
    def kinds(self) -> Mapping[type[Event], Effect[Any]]:
        return self._by_class


Span = Callable[[], AbstractContextManager[object]]


class OnceHandler:
    """A bus handler applying each event's effect at most once per event id, alone
    (``__call__``) or a batch together (``apply_batch``): one statement when every effect of
    them is rows, else one transaction."""

    def __init__(self, db: Database, consumer: str, effects: Effects) -> None:
        self.db, self.consumer, self.effects = db, consumer, effects

    async def __call__(self, envelope: Envelope, headers: Mapping[str, str]) -> None:
        await self._apply([envelope], [nullcontext])

    async def apply_batch(self, deliveries: Sequence[Delivery]) -> None:
        await self._apply([delivery.envelope for delivery in deliveries], [d.span for d in deliveries])

    async def _apply(self, envelopes: Sequence[Envelope], spans: Sequence[Span]) -> None:
        if any(self.effects.for_type(envelope.type, envelope.version) for envelope in envelopes):
            await self._in_transaction(envelopes, spans)
        else:
            await self._in_one_statement(envelopes, spans)

    async def _in_one_statement(self, envelopes: Sequence[Envelope], spans: Sequence[Span]) -> None:
        """Claims and rows in one statement, which commits on its own (no transaction)."""
        ids = [envelope.event_id for envelope in envelopes]
        rows = self._rows(envelopes, spans)
        async with self.db.read() as read:
            if rows and self.effects.fold is not None:
                claimed, written = await self.effects.fold.write(read, rows, ids, self.consumer)
            else:
                claimed, written = await self._claim(read, ids), ()
        _duplicates(envelopes, claimed)
        if written and self.effects.after is not None:
            await self.effects.after(written)

    async def _in_transaction(self, envelopes: Sequence[Envelope], spans: Sequence[Span]) -> None:
        """One transaction: every event claimed in one statement, the claimed ones' effects in
        delivery order, then their rows in one statement; all committed together or none."""
        ids = [envelope.event_id for envelope in envelopes]
        async with self.db.write() as tx:
            claimed = set(await self._claim(tx, ids))
            _duplicates(envelopes, claimed)
            rows: list[Row] = []
            for envelope, span in zip(envelopes, spans, strict=True):
                if envelope.event_id not in claimed:
                    continue
                claimed.discard(envelope.event_id)  # the same event twice in a batch: once
                effect, rows_of = self.effects.resolve(envelope.type, envelope.version)
                if effect is None and rows_of is None:
                    continue
                with span():
                    event = parse(envelope)  # read only once claimed
                    if effect is not None:
                        await effect(tx, event, envelope)
                    if rows_of is not None:
                        rows.extend(_placed(rows_of(event, envelope), envelope, len(rows)))
            fold = self.effects.fold
            if rows and fold is not None:
                _, written = await fold.write(tx, rows, list({row["event_id"] for row in rows}), None)
                if written and (after := self.effects.after) is not None:
                    tx.after_commit(lambda: after(written))

    async def _claim(self, read: Read, ids: Sequence[uuid.UUID]) -> list[uuid.UUID]:
        """Record these events as handled; the ids not handled before (each once)."""
        return [row[0] for row in await read.fetch(CLAIM_MANY, consumer=self.consumer, event_ids=ids)]

    def _rows(self, envelopes: Sequence[Envelope], spans: Sequence[Span]) -> list[Row]:
        """The rows of these events (of each event once), in delivery order."""
        rows: list[Row] = []
        seen: set[uuid.UUID] = set()
        for envelope, span in zip(envelopes, spans, strict=True):
            rows_of = self.effects.rows_for(envelope.type, envelope.version)
            if rows_of is None or envelope.event_id in seen:
                continue
            seen.add(envelope.event_id)
            with span():
                rows.extend(_placed(rows_of(parse(envelope), envelope), envelope, len(rows)))
        return rows


def _placed(rows: Sequence[Row], envelope: Envelope, start: int) -> list[Row]:
    """Each row with its event's id and its place among the rows of the statement."""
    return [{**row, "event_id": envelope.event_id, "n": start + i} for i, row in enumerate(rows)]


def _duplicates(envelopes: Sequence[Envelope], claimed: Collection[uuid.UUID]) -> None:
    for envelope in envelopes:
        if envelope.event_id not in claimed:
            log.info("duplicate event ignored", extra={"event_id": str(envelope.event_id)})


def handle_once(db: Database, consumer: str, effects: Effects) -> OnceHandler:
    """A bus handler applying each event's effect at most once per event id."""
    return OnceHandler(db, consumer, effects)
