"""What the transaction service consumes (queue ``transaction_updates``): farm snapshots
for the read model, and anomaly flags that put a trade under review. Each event is applied
once (inbox) in one transaction with its effect."""

from __future__ import annotations

import logging

from sqlalchemy import func, update
from sqlalchemy.ext.asyncio import AsyncSession

from pamtalk.bus.base import Handler
from pamtalk.db.inbox import handle_once
from pamtalk.events.catalogue import FarmSnapshot, TransactionFlagged
from pamtalk.events.envelope import Envelope, Event
from pamtalk.runtime import Runtime
from services.transaction.farms import apply_snapshot
from services.transaction.ids import created_at_of
from services.transaction.models import Trade, inbox

log = logging.getLogger("pamtalk.transaction.consumers")
QUEUE = "transaction_updates"
CONSUMER = "transaction"
REVIEWABLE = ("pending", "confirmed")


async def farm_changed(session: AsyncSession, event: Event, envelope: Envelope) -> None:
    assert isinstance(event, FarmSnapshot)
    await apply_snapshot(session, event, envelope)


async def trade_flagged(session: AsyncSession, event: Event, envelope: Envelope) -> None:
    """A pending or confirmed trade goes under review (admins clear or cancel it). Nothing is
    published: notifications of the flag come from ``transaction.flagged`` itself."""
    assert isinstance(event, TransactionFlagged)
    created_at = created_at_of(event.transaction_id)
    if created_at is None:
        log.warning("flag for a trade id this service never made", extra={"event_id": str(envelope.event_id)})
        return
    flag = {
        "score": event.score,
        "risk_band": event.risk_band,
        "reasons": list(event.reasons),
        "flagged_at": envelope.occurred_at.isoformat(),
    }
    result = await session.execute(
        update(Trade)
        .where(Trade.id == event.transaction_id, Trade.created_at == created_at, Trade.status.in_(REVIEWABLE))
        .values(status="under_review", status_before_review=Trade.status, review=flag, updated_at=func.now())
        .returning(Trade.id)
        .execution_options(synchronize_session=False)
    )
    if result.first() is None:
        log.info(
            "flag ignored: the trade is unknown or past review", extra={"event_id": str(envelope.event_id)}
        )


def transaction_updates(runtime: Runtime) -> Handler:
    return handle_once(
        runtime.db,
        inbox,
        CONSUMER,
        {"farm.registered": farm_changed, "farm.updated": farm_changed, "transaction.flagged": trade_flagged},
    )
