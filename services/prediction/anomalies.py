"""Trade anomalies: every ``transaction.created`` is scored by DOMAIN.md's rule signals plus
the isolation forest (ONNX), stored with its risk band and reasons, and HIGH or CRITICAL
trades are announced as ``transaction.flagged`` (the transaction service puts them under
review). Admins list the scores."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime

from asyncpg import Record

from pamtalk.db.tx import Read, Tx
from pamtalk.events.catalogue import TransactionCreated, TransactionFlagged
from pamtalk.events.envelope import Envelope
from services.prediction.anomaly_rules import assess_trade
from services.prediction.keyset import page, read_cursor
from services.prediction.ml.trades import TradeRow
from services.prediction.schemas import AnomalyOut, SignalOut
from services.prediction.state import PredictionState
from services.prediction.store import trade_anomalies

log = logging.getLogger("pamtalk.prediction.anomalies")
FLAGGED = ("HIGH", "CRITICAL")
TradeEffect = Callable[[Tx, TransactionCreated, Envelope], Awaitable[None]]


def trade_scorer(state: PredictionState) -> TradeEffect:
    """The effect of ``transaction.created``: score, store, flag when HIGH or CRITICAL."""

    async def score_trade(tx: Tx, event: TransactionCreated, envelope: Envelope) -> None:
        rt = await state.models()
        row = TradeRow.from_trade(event)
        isolation = state.trade_score(row)
        assessment = assess_trade(row, isolation, rt.norms)
        stored = await trade_anomalies.insert(
            tx,
            {
                "transaction_id": event.transaction_id,
                "farm_id": event.farm_id,
                "producer_id": event.producer_id,
                "buyer_id": event.buyer_id,
                "crop": row.crop[:40],
                "score": assessment.score,
                "risk": assessment.risk,
                "reasons": assessment.reasons,
                "signals": assessment.signals,
                "isolation_score": isolation,
                "trade_created_at": event.created_at,
                "scored_at": datetime.now(UTC),
            },
        )
        if not stored:
            return  # this trade was scored before
        if assessment.risk in FLAGGED:
            flag = TransactionFlagged(
                transaction_id=event.transaction_id,
                producer_id=event.producer_id,
                buyer_id=event.buyer_id,
                score=assessment.score,
                risk_band=assessment.risk,
                reasons=list(assessment.reasons),
            )
            await tx.add_event(flag)
            log.info(
                "trade flagged",
                extra={"transaction_id": str(event.transaction_id), "risk": assessment.risk},
            )

    return score_trade


def anomaly_out(row: Record) -> AnomalyOut:
    return AnomalyOut(
        transaction_id=row["transaction_id"],
        farm_id=row["farm_id"],
        producer_id=row["producer_id"],
        buyer_id=row["buyer_id"],
        crop=row["crop"],
        score=row["score"],
        risk=row["risk"],
        reasons=row["reasons"],
        signals=[SignalOut(**s) for s in row["signals"]],
        isolation_score=row["isolation_score"],
        trade_created_at=row["trade_created_at"],
        scored_at=row["scored_at"],
    )


async def list_anomalies(
    read: Read, risks: Sequence[str], cursor: str | None, limit: int
) -> tuple[list[AnomalyOut], str | None]:
    """Scored trades, newest first, of the given risk bands (all when empty)."""
    after = read_cursor(cursor) if cursor is not None else None
    rows = await trade_anomalies.page(read, risks, after, limit + 1)
    kept, next_cursor = page(rows, limit, ("scored_at", "transaction_id"))
    return [anomaly_out(r) for r in kept], next_cursor
