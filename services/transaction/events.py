"""The events a trade's changes publish, written to the outbox in the change's transaction.

Every body carries what consumers need without calling back: both parties, the farm, crop,
quantity, prices and value, and the producer's ESG score and wallet as they were when the
trade was opened (blockchain rewards the producer from them)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from pamtalk.db.tx import Tx
from pamtalk.events.catalogue import TradeEvent, TransactionCancelled


def trade_event(cls: type[TradeEvent], trade: Mapping[str, Any], at: datetime, **extra: Any) -> TradeEvent:
    return cls(
        transaction_id=trade["id"],
        farm_id=trade["farm_id"],
        producer_id=trade["producer_id"],
        buyer_id=trade["buyer_id"],
        crop=trade["crop"],
        quantity=trade["quantity"],
        unit_price=trade["unit_price"],
        total_value=trade["total_value"],
        quality_score=trade["quality_score"],
        delivery_hours=trade["delivery_hours"],
        payment_method=trade["payment_method"],
        region=trade["location"],
        producer_esg_score=trade["producer_esg_score"],
        producer_wallet=trade["producer_wallet"],
        status=trade["status"],
        created_at=trade["created_at"],
        occurred_at=at,
        **extra,
    )


async def publish(tx: Tx, cls: type[TradeEvent], trade: Mapping[str, Any], at: datetime) -> None:
    """Queue ``cls`` (one of the four lifecycle events) for the trade row as it is now, in
    the transaction of the change."""
    extra = {"reason": trade["cancel_reason"] or ""} if cls is TransactionCancelled else {}
    await tx.add_event(trade_event(cls, trade, at, **extra))
