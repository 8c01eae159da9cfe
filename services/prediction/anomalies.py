"""Trade anomalies: every ``transaction.created`` is scored by DOMAIN.md's rule signals plus
the isolation forest (ONNX, through the micro-batcher), stored with its risk band and
reasons, and HIGH or CRITICAL trades are announced as ``transaction.flagged`` (the
transaction service puts them under review). Admins list the scores."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC, datetime

import orjson
from sqlalchemy import select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from pamtalk.db.inbox import EffectFn
from pamtalk.db.outbox import PlainTx
from pamtalk.db.raw import sql
from pamtalk.events.catalogue import TransactionCreated, TransactionFlagged
from pamtalk.events.envelope import Envelope, Event
from services.prediction.anomaly_rules import assess_trade
from services.prediction.keyset import page, read_cursor
from services.prediction.ml.trades import TradeRow
from services.prediction.models import TradeAnomaly, outbox
from services.prediction.schemas import AnomalyOut, SignalOut
from services.prediction.state import PredictionState

log = logging.getLogger("pamtalk.prediction.anomalies")
FLAGGED = ("HIGH", "CRITICAL")


# Plain SQL, in the transaction of the inbox claim (handle_once).
ANOMALIES: str = TradeAnomaly.__table__.fullname  # type: ignore[attr-defined]
_STORE = sql(
    f"""
INSERT INTO {ANOMALIES} (
    transaction_id, farm_id, producer_id, buyer_id, crop, score, risk, reasons, signals,
    isolation_score, trade_created_at, scored_at
) VALUES (
    :transaction_id, :farm_id, :producer_id, :buyer_id, :crop, :score, :risk,
    CAST(:reasons AS jsonb), CAST(:signals AS jsonb), :isolation_score, :trade_created_at, :scored_at
)
ON CONFLICT (transaction_id) DO NOTHING
RETURNING transaction_id
"""
)


def trade_scorer(state: PredictionState) -> EffectFn:
    """The effect of ``transaction.created``: score, store, flag when HIGH or CRITICAL."""

    async def score_trade(tx: PlainTx, event: Event, envelope: Envelope) -> None:
        assert isinstance(event, TransactionCreated)
        rt = await state.models()
        row = TradeRow.from_trade(event)
        isolation = state.trade_score(row)
        assessment = assess_trade(row, isolation, rt.norms)
        values = {
            "transaction_id": event.transaction_id,
            "farm_id": event.farm_id,
            "producer_id": event.producer_id,
            "buyer_id": event.buyer_id,
            "crop": row.crop[:40],
            "score": assessment.score,
            "risk": assessment.risk,
            "reasons": orjson.dumps(assessment.reasons).decode(),
            "signals": orjson.dumps(assessment.signals).decode(),  # dataclasses: as asdict
            "isolation_score": isolation,
            "trade_created_at": event.created_at,
            "scored_at": datetime.now(UTC),
        }
        if await tx.conn.fetchval(_STORE.text, *_STORE.args(values)) is None:
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
            await tx.add_event(outbox, flag, "prediction")
            log.info(
                "trade flagged",
                extra={"transaction_id": str(event.transaction_id), "risk": assessment.risk},
            )

    return score_trade


def anomaly_out(row: TradeAnomaly) -> AnomalyOut:
    return AnomalyOut(
        transaction_id=row.transaction_id,
        farm_id=row.farm_id,
        producer_id=row.producer_id,
        buyer_id=row.buyer_id,
        crop=row.crop,
        score=row.score,
        risk=row.risk,  # type: ignore[arg-type]
        reasons=row.reasons,
        signals=[SignalOut(**s) for s in row.signals],
        isolation_score=row.isolation_score,
        trade_created_at=row.trade_created_at,
        scored_at=row.scored_at,
    )


async def list_anomalies(
    session: AsyncSession, risks: Sequence[str], cursor: str | None, limit: int
) -> tuple[list[AnomalyOut], str | None]:
    """Scored trades, newest first, of the given risk bands (all when empty)."""
    query = select(TradeAnomaly)
    if risks:
        query = query.where(TradeAnomaly.risk.in_(sorted(set(risks))))
    if cursor is not None:
        query = query.where(tuple_(TradeAnomaly.scored_at, TradeAnomaly.transaction_id) < read_cursor(cursor))
    query = query.order_by(TradeAnomaly.scored_at.desc(), TradeAnomaly.transaction_id.desc()).limit(limit + 1)
    rows, next_cursor = page((await session.scalars(query)).all(), limit, ("scored_at", "transaction_id"))
    return [anomaly_out(r) for r in rows], next_cursor
