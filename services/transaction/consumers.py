"""What the transaction service consumes (queue ``transaction_updates``): farm snapshots
for the read model, and anomaly flags that put a trade under review. Each event is applied
once (inbox) in one transaction with its effect; the effects are plain SQL on the claim's
connection (``handle_once``)."""

from __future__ import annotations

import logging

import orjson

from pamtalk.bus.base import Handler
from pamtalk.db.inbox import handle_once_legacy
from pamtalk.db.outbox import PlainTx
from pamtalk.db.raw import sql
from pamtalk.events.catalogue import FarmRegistered, FarmUpdated, TransactionFlagged
from pamtalk.events.envelope import Envelope, Event
from pamtalk.runtime import Runtime
from services.transaction.farms import apply_snapshot
from services.transaction.ids import created_at_of
from services.transaction.models import inbox
from services.transaction.rows import TABLE

log = logging.getLogger("pamtalk.transaction.consumers")
QUEUE = "transaction_updates"
CONSUMER = "transaction"
REVIEWABLE = ("pending", "confirmed")
# The trade, read from the partition its id's time points to, goes under review if it is
# still pending or confirmed; the status it had is kept for an admin's "clear".
_UNDER_REVIEW = sql(
    f"UPDATE {TABLE} SET status = 'under_review', status_before_review = status, "
    "review = CAST(:review AS jsonb), updated_at = now() "
    f"WHERE id = :id AND created_at = :created_at AND status IN {REVIEWABLE!r} RETURNING id"
)


async def trade_flagged(tx: PlainTx, event: Event, envelope: Envelope) -> None:
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
    values = {"id": event.transaction_id, "created_at": created_at, "review": orjson.dumps(flag).decode()}
    if await tx.conn.fetchval(_UNDER_REVIEW.text, *_UNDER_REVIEW.args(values)) is None:
        log.info(
            "flag ignored: the trade is unknown or past review", extra={"event_id": str(envelope.event_id)}
        )


def transaction_updates(runtime: Runtime) -> Handler:
    return handle_once_legacy(
        runtime.db,
        inbox,
        CONSUMER,
        {
            FarmRegistered.TYPE: apply_snapshot,
            FarmUpdated.TYPE: apply_snapshot,
            TransactionFlagged.TYPE: trade_flagged,
        },
    )
