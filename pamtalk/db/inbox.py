"""Consumer inbox: the ids of events a consumer has handled, so a redelivered event
changes nothing. The claim is made in the same transaction as the handler's effect."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping

from sqlalchemy import Column, DateTime, MetaData, String, Table, Uuid, func
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from pamtalk.bus.base import Handler
from pamtalk.db.database import Database
from pamtalk.events.catalogue import parse
from pamtalk.events.envelope import Envelope, Event

log = logging.getLogger("pamtalk.inbox")

EffectFn = Callable[[AsyncSession, Event, Envelope], Awaitable[None]]


def inbox_table(metadata: MetaData) -> Table:
    return Table(
        "inbox",
        metadata,
        Column("consumer", String(100), primary_key=True),
        Column("event_id", Uuid, primary_key=True),
        Column("handled_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    )


async def claim(session: AsyncSession, table: Table, consumer: str, envelope: Envelope) -> bool:
    """Record the event as handled; False when it was handled before."""
    result = await session.execute(
        insert(table)
        .values(consumer=consumer, event_id=envelope.event_id)
        .on_conflict_do_nothing()
        .returning(table.c.event_id)
    )
    return result.first() is not None


def handle_once(db: Database, table: Table, consumer: str, effects: Mapping[str, EffectFn]) -> Handler:
    """A bus handler that applies ``effects[event type]`` at most once per event id, in one
    transaction with the inbox claim. Unknown types are recorded and ignored."""

    async def handler(envelope: Envelope, headers: Mapping[str, str]) -> None:
        effect = next((fn for key, fn in effects.items() if _type_matches(key, envelope.type)), None)
        async with db.transaction() as session:
            if not await claim(session, table, consumer, envelope):
                log.info("duplicate event ignored", extra={"event_id": str(envelope.event_id)})
                return
            if effect is None:
                return
            await effect(session, parse(envelope), envelope)

    return handler


def _type_matches(key: str, event_type: str) -> bool:
    return key == event_type or (key.endswith(".*") and event_type.startswith(key[:-1]))
