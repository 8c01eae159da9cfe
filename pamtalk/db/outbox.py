"""Transactional outbox: events are written in the same transaction as the change, and a
relay publishes them afterwards with publisher confirms. If the broker is down when the
change commits, nothing is lost: the relay keeps the rows and publishes them later."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import UTC, datetime, timedelta

from opentelemetry import propagate
from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Identity,
    Index,
    MetaData,
    String,
    Table,
    Uuid,
    delete,
    event,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from pamtalk.bus.base import Bus, BusUnavailable
from pamtalk.context import request_id_var
from pamtalk.db.database import Database
from pamtalk.events.envelope import Envelope, Event

log = logging.getLogger("pamtalk.outbox")
_NUDGE_KEY = "pamtalk.outbox.nudge"


def outbox_table(metadata: MetaData) -> Table:
    table = Table(
        "outbox",
        metadata,
        Column("id", BigInteger, Identity(), primary_key=True),
        Column("event_id", Uuid, nullable=False, unique=True),
        Column("routing_key", String(100), nullable=False),
        Column("envelope", JSONB, nullable=False),
        Column("headers", JSONB, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False),
        Column("published_at", DateTime(timezone=True)),
    )
    Index("ix_outbox_unpublished", table.c.id, postgresql_where=table.c.published_at.is_(None))
    return table


_relays: dict[Table, OutboxRelay] = {}


async def add_event(session: AsyncSession, table: Table, event_body: Event, producer: str) -> Envelope:
    """Queue an event in the current transaction; the relay publishes it after the commit."""
    envelope = Envelope.wrap(event_body, producer)
    headers: dict[str, str] = {}
    propagate.inject(headers)
    if rid := request_id_var.get():
        headers["x-request-id"] = rid
    await session.execute(
        table.insert().values(
            event_id=envelope.event_id,
            routing_key=envelope.type,
            envelope=envelope.model_dump(mode="json"),
            headers=headers,
            created_at=envelope.occurred_at,
        )
    )
    session.sync_session.info.setdefault(_NUDGE_KEY, set()).add(table)
    return envelope


@event.listens_for(Session, "after_commit")
def _nudge_relays(session: Session) -> None:
    for table in session.info.pop(_NUDGE_KEY, ()):
        relay = _relays.get(table)
        if relay is not None:
            relay.nudge()


class OutboxRelay:
    """Publishes unpublished outbox rows in order; safe with several replicas
    (rows are claimed with ``FOR UPDATE SKIP LOCKED``)."""

    def __init__(
        self,
        db: Database,
        table: Table,
        bus: Bus,
        *,
        poll_seconds: float = 1.0,
        batch: int = 100,
        keep_published: timedelta = timedelta(days=1),
        max_backoff: float = 5.0,
    ) -> None:
        self.db, self.table, self.bus = db, table, bus
        self.poll_seconds, self.batch, self.keep_published = poll_seconds, batch, keep_published
        # While the broker is down the relay backs off up to this; it is short so that
        # events go out within seconds of the broker's return even with no new commit.
        self.max_backoff = max_backoff
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False

    def nudge(self) -> None:
        self._wake.set()

    def start(self) -> None:
        _relays[self.table] = self
        self._task = asyncio.create_task(self._run(), name=f"outbox-relay:{self.table.schema}")

    async def stop(self) -> None:
        self._stopping = True
        _relays.pop(self.table, None)
        self._wake.set()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        backoff = self.poll_seconds
        rounds = 0
        while not self._stopping:
            try:
                sent = await self.publish_pending()
                backoff = self.poll_seconds
                rounds += 1
                if rounds % 600 == 0:
                    await self.prune()
                if sent == self.batch:
                    continue  # more are waiting
            except BusUnavailable as exc:
                log.warning("broker unavailable, outbox keeps events", extra={"error_code": str(exc)})
                backoff = min(backoff * 2, self.max_backoff)
            except Exception:
                log.exception("outbox relay round failed")
                backoff = min(backoff * 2, self.max_backoff)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=backoff)
            self._wake.clear()

    async def publish_pending(self) -> int:
        """Publish one batch; returns how many rows were published."""
        t = self.table
        async with self.db.transaction() as session:
            rows = (
                await session.execute(
                    select(t.c.id, t.c.envelope, t.c.headers)
                    .where(t.c.published_at.is_(None))
                    .order_by(t.c.id)
                    .limit(self.batch)
                    .with_for_update(skip_locked=True)
                )
            ).all()
            if not rows:
                return 0
            done: list[int] = []
            failure: BusUnavailable | None = None
            for row in rows:
                try:
                    await self.bus.publish(Envelope.model_validate(row.envelope), row.headers)
                except BusUnavailable as exc:
                    failure = exc
                    break
                done.append(row.id)
            if done:  # committed even when a later row failed: those are out already
                await session.execute(
                    update(t).where(t.c.id.in_(done)).values(published_at=datetime.now(UTC))
                )
        if failure is not None:
            raise failure
        return len(done)

    async def prune(self) -> None:
        cutoff = datetime.now(UTC) - self.keep_published
        async with self.db.transaction() as session:
            await session.execute(delete(self.table).where(self.table.c.published_at < cutoff))
