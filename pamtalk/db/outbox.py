"""Transactional outbox: events are written in the same transaction as the change
(``Tx.add_event``), and a relay publishes them afterwards with publisher confirms. If the
broker is down when the change commits, nothing is lost: the relay keeps the rows and
publishes them later."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import UTC, datetime, timedelta

from sqlalchemy import BigInteger, Column, DateTime, Identity, Index, MetaData, String, Table, Uuid
from sqlalchemy.dialects.postgresql import JSONB

from pamtalk.bus.base import Bus, BusUnavailable
from pamtalk.db.database import Database
from pamtalk.db.statements import sql
from pamtalk.events.envelope import Envelope

log = logging.getLogger("pamtalk.outbox")


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


class OutboxRelay:
    """Publishes unpublished outbox rows in order; safe with several replicas
    (rows are claimed with ``FOR UPDATE SKIP LOCKED``).

    One round takes a batch in one statement (claimed and marked sent, in a transaction
    held while publishing), publishes the batch and waits for the broker's confirms of all
    of it together, then commits; rows the broker did not confirm are unmarked first.
    A commit of this process that wrote events wakes the relay, which waits ``coalesce_seconds``
    more so that the commits of that moment go out in one round (one claim, one batch of
    confirms, and deliveries that arrive together for the consumers to take as a batch);
    otherwise it looks every ``poll_seconds`` (rows of another replica, or kept while the
    broker was down) with one cheap read outside a transaction."""

    def __init__(
        self,
        db: Database,
        bus: Bus,
        *,
        poll_seconds: float = 1.0,
        coalesce_seconds: float = 0.0,
        batch: int = 100,
        keep_published: timedelta = timedelta(days=1),
        max_backoff: float = 5.0,
    ) -> None:
        self.db, self.bus = db, bus
        self.poll_seconds, self.batch, self.keep_published = poll_seconds, batch, keep_published
        self.coalesce_seconds = coalesce_seconds
        # While the broker is down the relay backs off up to this; it is short so that
        # events go out within seconds of the broker's return even with no new commit.
        self.max_backoff = max_backoff
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False

    def nudge(self) -> None:
        self._wake.set()

    def start(self) -> None:
        self.db.wake_relay = self.nudge
        self._task = asyncio.create_task(self._run(), name=f"outbox-relay:{self.db.schema}")

    async def stop(self) -> None:
        self._stopping = True
        self.db.wake_relay = None
        self._wake.set()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        backoff = self.poll_seconds
        rounds = 0
        look = True  # start-up: rows may be waiting
        while not self._stopping:
            try:
                sent = await self.publish_pending() if look or await self._pending() else 0
                backoff = self.poll_seconds
                rounds += 1
                if rounds % 600 == 0:
                    await self.prune()
                if sent == self.batch:
                    look = True
                    continue  # more are waiting
            except BusUnavailable as exc:
                log.warning("broker unavailable, outbox keeps events", extra={"error_code": str(exc)})
                backoff = min(backoff * 2, self.max_backoff)
            except Exception:
                log.exception("outbox relay round failed")
                backoff = min(backoff * 2, self.max_backoff)
            look = False
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(backoff):  # not wait_for: it can lose a cancellation
                    await self._wake.wait()
                look = True  # woken by a commit: no need to look first
                if self.coalesce_seconds > 0:
                    await asyncio.sleep(self.coalesce_seconds)  # the other commits of the moment
            self._wake.clear()

    async def _pending(self) -> bool:
        """Whether any row waits (one statement, no transaction)."""
        async with self.db.read() as read:
            return await read.fetchval(_PENDING) is not None

    async def publish_pending(self) -> int:
        """Publish one batch; returns how many rows were published."""
        # A transaction held while the batch is published: a crash before the commit leaves
        # the rows unpublished. Its commit need not be durable: marks lost in a crash of
        # PostgreSQL are events published again, which consumers apply once (their inbox).
        async with self.db.write(durable=False) as tx:
            rows = sorted(await tx.fetch(_CLAIM_BATCH, batch=self.batch), key=lambda row: row[0])
            if not rows:
                return 0
            outcomes = await self.bus.publish_many(
                [(Envelope.model_validate_json(envelope), headers) for _, envelope, headers in rows]
            )
            failed = [row[0] for row, outcome in zip(rows, outcomes, strict=True) if outcome is not None]
            if failed:  # committed even so: the others are out already
                await tx.execute(_UNMARK, ids=failed)
        failure = next((outcome for outcome in outcomes if outcome is not None), None)
        if failure is not None:
            raise failure
        return len(rows) - len(failed)

    async def prune(self) -> None:
        async with self.db.write(durable=False) as tx:
            await tx.execute(_PRUNE, before=datetime.now(UTC) - self.keep_published)


_PENDING = sql("SELECT id FROM outbox WHERE published_at IS NULL LIMIT 1")
# One batch, oldest first, claimed (rows another replica holds are skipped) and marked sent.
_CLAIM_BATCH = sql(
    """UPDATE outbox SET published_at = now()
WHERE id IN (
    SELECT id FROM outbox WHERE published_at IS NULL ORDER BY id LIMIT :batch FOR UPDATE SKIP LOCKED
)
RETURNING id, CAST(envelope AS text), headers"""
)
_UNMARK = sql("UPDATE outbox SET published_at = NULL WHERE id = ANY(:ids)")
_PRUNE = sql("DELETE FROM outbox WHERE published_at < :before")
