"""Consumer inbox: the ids of events a consumer has handled, so a redelivered event
changes nothing. The claim is made in the same transaction as the handler's effect."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from functools import cache, lru_cache
from typing import Any, TypeVar

import asyncpg
from sqlalchemy import Column, DateTime, MetaData, String, Table, Uuid, func
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.dml import ReturningInsert

from pamtalk.bus.base import Handler
from pamtalk.db.database import Database
from pamtalk.db.outbox import PlainTx, plain_transaction
from pamtalk.db.raw import reading, sql
from pamtalk.events.catalogue import parse
from pamtalk.events.envelope import Envelope, Event

log = logging.getLogger("pamtalk.inbox")

EffectFn = Callable[[AsyncSession, Event, Envelope], Awaitable[None]]
PlainEffectFn = Callable[[PlainTx, Event, Envelope], Awaitable[None]]
F = TypeVar("F")


def inbox_table(metadata: MetaData) -> Table:
    return Table(
        "inbox",
        metadata,
        Column("consumer", String(100), primary_key=True),
        Column("event_id", Uuid, primary_key=True),
        Column("handled_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    )


@cache
def _claim(table: Table) -> ReturningInsert[Any]:
    """The claim of ``table``, built once: its compiled form is cached with it."""
    return insert(table).on_conflict_do_nothing().returning(table.c.event_id)


@cache
def _plain_claim(table: Table) -> str:
    return sql(
        f"INSERT INTO {table.fullname} (consumer, event_id) VALUES (:consumer, :event_id) "
        "ON CONFLICT DO NOTHING RETURNING event_id"
    ).text


async def claim(session: AsyncSession, table: Table, consumer: str, envelope: Envelope) -> bool:
    """Record the event as handled; False when it was handled before."""
    connection = await session.connection()  # Core on the session's transaction
    result = await connection.execute(_claim(table), {"consumer": consumer, "event_id": envelope.event_id})
    return result.first() is not None


def handle_once(db: Database, table: Table, consumer: str, effects: Mapping[str, EffectFn]) -> Handler:
    """A bus handler that applies ``effects[event type]`` at most once per event id, in one
    transaction with the inbox claim. Unknown types are recorded and ignored: their claim
    is the only statement, so it runs alone, without BEGIN and COMMIT."""

    async def once(effect: EffectFn, envelope: Envelope) -> bool:
        async with db.transaction() as session:
            if claimed := await claim(session, table, consumer, envelope):
                await effect(session, parse(envelope), envelope)
        return claimed

    return _handler(db, table, consumer, effects, once)


def handle_once_plain(
    db: Database, table: Table, consumer: str, effects: Mapping[str, PlainEffectFn]
) -> Handler:
    """``handle_once`` for effects written in plain SQL: the claim and the effect run in one
    transaction on a connection of the pool (``plain_transaction``), without a SQLAlchemy
    session, and the effect gets that ``PlainTx`` (its ``conn``, its ``add_event``)."""

    async def once(effect: PlainEffectFn, envelope: Envelope) -> bool:
        async with plain_transaction(db) as tx:
            if claimed := await _plain_claim_on(tx.conn, table, consumer, envelope):
                await effect(tx, parse(envelope), envelope)
        return claimed

    return _handler(db, table, consumer, effects, once)


def _handler(
    db: Database,
    table: Table,
    consumer: str,
    effects: Mapping[str, F],
    once: Callable[[F, Envelope], Awaitable[bool]],
) -> Handler:
    """The handler: ``once`` claims and applies the effect of the event's type (False: a
    duplicate); a type without an effect is only claimed."""

    @lru_cache(maxsize=256)  # event type -> its effect (exact key, else ``prefix.*``)
    def effect_for(event_type: str) -> F | None:
        return next((fn for key, fn in effects.items() if _type_matches(key, event_type)), None)

    async def handler(envelope: Envelope, headers: Mapping[str, str]) -> None:
        effect = effect_for(envelope.type)
        if effect is None:
            claimed = await _claim_alone(db, table, consumer, envelope)
        else:
            claimed = await once(effect, envelope)
        if not claimed:
            log.info("duplicate event ignored", extra={"event_id": str(envelope.event_id)})

    return handler


async def _claim_alone(db: Database, table: Table, consumer: str, envelope: Envelope) -> bool:
    """The claim of an event with nothing else to do: one statement, it commits on its own."""
    async with reading(db) as conn:
        return await _plain_claim_on(conn, table, consumer, envelope)


async def _plain_claim_on(conn: asyncpg.Connection, table: Table, consumer: str, envelope: Envelope) -> bool:
    return await conn.fetchval(_plain_claim(table), consumer, envelope.event_id) is not None


def _type_matches(key: str, event_type: str) -> bool:
    return key == event_type or (key.endswith(".*") and event_type.startswith(key[:-1]))
