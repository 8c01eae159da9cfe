"""Consumer inbox: the ids of events a consumer has handled, so a redelivered event
changes nothing. The claim is made in the same transaction as the handler's effect."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from functools import cache, lru_cache

import asyncpg
from sqlalchemy import Column, DateTime, MetaData, String, Table, Uuid, func

from pamtalk.bus.base import Handler
from pamtalk.db.database import Database
from pamtalk.db.outbox import PlainTx, plain_transaction
from pamtalk.db.raw import reading, sql
from pamtalk.events.catalogue import parse
from pamtalk.events.envelope import Envelope, Event

log = logging.getLogger("pamtalk.inbox")

EffectFn = Callable[[PlainTx, Event, Envelope], Awaitable[None]]


def inbox_table(metadata: MetaData) -> Table:
    return Table(
        "inbox",
        metadata,
        Column("consumer", String(100), primary_key=True),
        Column("event_id", Uuid, primary_key=True),
        Column("handled_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    )


@cache
def _claim(table: Table) -> str:
    """The claim of ``table`` (asyncpg's text), built once."""
    return sql(
        f"INSERT INTO {table.fullname} (consumer, event_id) VALUES (:consumer, :event_id) "
        "ON CONFLICT DO NOTHING RETURNING event_id"
    ).text


def handle_once(db: Database, table: Table, consumer: str, effects: Mapping[str, EffectFn]) -> Handler:
    """A bus handler that applies ``effects[event type]`` (an exact key, else ``prefix.*``)
    at most once per event id. The claim and the effect run in one transaction of plain SQL
    on a connection of the pool (``plain_transaction``), and the effect gets that ``PlainTx``
    (its ``conn``, its ``add_event``: the relay is woken once it has committed). A type
    without an effect is recorded and ignored: its claim is the only statement, so it runs
    alone, without BEGIN and COMMIT. A duplicate is logged and changes nothing."""

    @lru_cache(maxsize=256)  # event type -> its effect
    def effect_for(event_type: str) -> EffectFn | None:
        return next((fn for key, fn in effects.items() if _type_matches(key, event_type)), None)

    async def handler(envelope: Envelope, headers: Mapping[str, str]) -> None:
        effect = effect_for(envelope.type)
        if effect is None:
            async with reading(db) as conn:  # one statement: it commits on its own
                claimed = await _claim_on(conn, table, consumer, envelope)
        else:
            async with plain_transaction(db) as tx:
                if claimed := await _claim_on(tx.conn, table, consumer, envelope):
                    await effect(tx, parse(envelope), envelope)
        if not claimed:
            log.info("duplicate event ignored", extra={"event_id": str(envelope.event_id)})

    return handler


async def _claim_on(conn: asyncpg.Connection, table: Table, consumer: str, envelope: Envelope) -> bool:
    """Record the event as handled; False when it was handled before."""
    return await conn.fetchval(_claim(table), consumer, envelope.event_id) is not None


def _type_matches(key: str, event_type: str) -> bool:
    return key == event_type or (key.endswith(".*") and event_type.startswith(key[:-1]))
