"""The platform's own daily demand: a settled trade adds its quantity to the day (Korean
time), crop and model region of the settlement (``store/daily_demand.py``); forecasts read
the 28 days before their first day from it (``store/forecasts.py``).

Each ``transaction.settled`` is added once: the consumer claims its event id in the inbox in
the same transaction as the upsert (``consumers.py``)."""

from __future__ import annotations

import logging
from datetime import date

from pamtalk.db.tx import Tx
from pamtalk.events.catalogue import TransactionSettled
from pamtalk.events.envelope import Envelope
from services.prediction.ml.crops import normalise_crop
from services.prediction.ml.trades import KST
from services.prediction.regions import model_region
from services.prediction.store import daily_demand

log = logging.getLogger("pamtalk.prediction.demand")


def demand_day(event: TransactionSettled) -> date:
    """The Korean calendar day of the settlement."""
    return event.occurred_at.astimezone(KST).date()


async def record_settled(tx: Tx, event: TransactionSettled, envelope: Envelope) -> None:
    """Add a settled trade's quantity to its day, crop and region."""
    if event.quantity <= 0:
        log.warning("settled trade without quantity ignored", extra={"event_id": str(envelope.event_id)})
        return
    await daily_demand.add(
        tx, demand_day(event), normalise_crop(event.crop), model_region(event.region), event.quantity
    )
