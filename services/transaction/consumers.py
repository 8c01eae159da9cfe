"""What the transaction service consumes (queue ``transaction_updates``): farm snapshots for
the read model, and anomaly flags that put a trade under review. Each event's effect is
applied once, with its inbox claim (``pamtalk.db.inbox.handle_once``): snapshots are rows,
written with their claims in one statement (``store.farms.APPLY``), a flag is an effect in the
claim's transaction; other events bound to the queue (``farm.esg_submitted``) are claimed
alone."""

from __future__ import annotations

import logging

import orjson

from pamtalk.bus.base import Handler
from pamtalk.db.folded import Row
from pamtalk.db.inbox import Effects, handle_once
from pamtalk.db.tx import Tx
from pamtalk.events.catalogue import FarmSnapshot, TransactionFlagged
from pamtalk.events.envelope import Envelope
from pamtalk.runtime import Runtime
from services.transaction.ids import created_at_of
from services.transaction.store import farms, trades

log = logging.getLogger("pamtalk.transaction.consumers")
QUEUE = "transaction_updates"
CONSUMER = "transaction"  # the inbox's name of this consumer


def snapshot_rows(snapshot: FarmSnapshot, _envelope: Envelope) -> list[Row]:
    """``farm.registered`` / ``farm.updated``: the farm as the snapshot says, crops
    lower-cased, unless what is stored is newer (events arriving out of order cannot roll a
    farm back): a row of ``farms.APPLY``."""
    return [farms.snapshot_row(snapshot, [crop.strip().lower() for crop in snapshot.crops])]


async def hold_for_review(tx: Tx, flag: TransactionFlagged, envelope: Envelope) -> None:
    """A pending or confirmed trade goes under review (admins clear or cancel it). Nothing is
    published: notifications of the flag come from ``transaction.flagged`` itself."""
    created_at = created_at_of(flag.transaction_id)
    if created_at is None:
        log.warning("flag for a trade id this service never made", extra={"event_id": str(envelope.event_id)})
        return
    review = {
        "score": flag.score,
        "risk_band": flag.risk_band,
        "reasons": list(flag.reasons),
        "flagged_at": envelope.occurred_at.isoformat(),
    }
    if not await trades.put_under_review(tx, flag.transaction_id, created_at, orjson.dumps(review).decode()):
        log.info(
            "flag ignored: the trade is unknown or past review", extra={"event_id": str(envelope.event_id)}
        )


EFFECTS = Effects(farms.APPLY).rows(FarmSnapshot, snapshot_rows).on(TransactionFlagged, hold_for_review)


def transaction_updates(runtime: Runtime) -> Handler:
    return handle_once(runtime.db, CONSUMER, EFFECTS)
