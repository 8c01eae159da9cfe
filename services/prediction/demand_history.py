"""The platform's own daily demand (``daily_demand``): settled trades add their quantity to
the day (Korean time), crop and model region of the settlement; forecasts read the 28 days
before their first day from it when a crop/region has that much history.

Each ``transaction.settled`` is added once: the consumer claims its event id in the inbox in
the same transaction as the upsert (``consumers.py``)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterable
from datetime import date, timedelta

from sqlalchemy import func, select, tuple_

from pamtalk.db.database import Database
from pamtalk.db.outbox import PlainTx
from pamtalk.db.raw import sql
from pamtalk.events.catalogue import TransactionSettled
from pamtalk.events.envelope import Envelope, Event
from services.prediction.ml.crops import normalise_crop
from services.prediction.ml.features import WINDOW
from services.prediction.ml.trades import KST
from services.prediction.models import DailyDemand
from services.prediction.regions import model_region

log = logging.getLogger("pamtalk.prediction.demand")
Pair = tuple[str, str]  # (crop, model region)
DAILY_DEMAND: str = DailyDemand.__table__.fullname  # type: ignore[attr-defined]


def demand_day(event: TransactionSettled) -> date:
    """The Korean calendar day of the settlement."""
    return event.occurred_at.astimezone(KST).date()


_ADD = sql(
    f"""
INSERT INTO {DAILY_DEMAND} AS d (day, crop, region, quantity) VALUES (:day, :crop, :region, :quantity)
ON CONFLICT (crop, region, day) DO UPDATE SET quantity = d.quantity + excluded.quantity
"""
)


async def record_settled(tx: PlainTx, event: Event, envelope: Envelope) -> None:
    """Add a settled trade's quantity to its day, crop and region."""
    assert isinstance(event, TransactionSettled)
    if event.quantity <= 0:
        log.warning("settled trade without quantity ignored", extra={"event_id": str(envelope.event_id)})
        return
    row = {
        "day": demand_day(event),
        "crop": normalise_crop(event.crop),
        "region": model_region(event.region),
        "quantity": event.quantity,
    }
    await tx.conn.execute(_ADD.text, *_ADD.args(row))


class HistoryIndex:
    """The first recorded day of every (crop, region), read at most every ``ttl`` seconds, so
    that a forecast needs no database read when its pair has too little history.

    A stale snapshot cannot hide history a forecast could use: a pair's first day only moves
    by a backfill, and a pair first seen within ``ttl`` is far from 28 days old."""

    def __init__(self, ttl: float) -> None:
        self.ttl = ttl
        self._first: dict[Pair, date] = {}
        self._read_at = float("-inf")
        self._lock = asyncio.Lock()

    def forget(self) -> None:
        """Read the table again on next use (after a backfill)."""
        self._read_at = float("-inf")

    async def first_days(self, db: Database) -> dict[Pair, date]:
        if time.monotonic() - self._read_at < self.ttl:
            return self._first
        async with self._lock:
            if time.monotonic() - self._read_at >= self.ttl:
                async with db.transaction() as session:
                    rows = await session.execute(
                        select(DailyDemand.crop, DailyDemand.region, func.min(DailyDemand.day)).group_by(
                            DailyDemand.crop, DailyDemand.region
                        )
                    )
                    self._first = {(crop, region): day for crop, region, day in rows}
                self._read_at = time.monotonic()
        return self._first


async def load_histories(
    db: Database, index: HistoryIndex, pairs: Iterable[Pair], start: date
) -> dict[Pair, list[float]]:
    """The daily demand of the ``WINDOW`` days before ``start`` (oldest first; days without
    trades count as zero) for each pair whose platform history reaches back that far. Pairs
    with a shorter history are left out: their forecasts use generated history."""
    first = start - timedelta(days=WINDOW)
    known = await index.first_days(db)
    enough = sorted({p for p in pairs if p in known and known[p] <= first})
    if not enough:
        return {}
    async with db.transaction() as session:
        rows = await session.execute(
            select(DailyDemand.crop, DailyDemand.region, DailyDemand.day, DailyDemand.quantity).where(
                tuple_(DailyDemand.crop, DailyDemand.region).in_(enough),
                DailyDemand.day >= first,
                DailyDemand.day < start,
            )
        )
    histories: dict[Pair, list[float]] = {pair: [0.0] * WINDOW for pair in enough}
    for crop, region, day, quantity in rows:
        histories[(crop, region)][(day - first).days] += float(quantity)
    return histories
