"""What the prediction service consumes.

- ``prediction_requests``: ``prediction.requested`` runs a forecast job (``jobs.run_job``,
  made idempotent by the job's state); ``farm.esg_submitted`` is scored (``esg.py``).
- ``analytics_data``: ``transaction.created`` is scored for anomalies (``anomalies.py``);
  ``transaction.settled`` adds to the daily demand (``demand_history.py``); other trade
  events are recorded as handled and ignored.

ESG and trade events are applied once per event id (inbox, same transaction as the effect;
the effects are plain SQL: ``handle_once``).
"""

from __future__ import annotations

from collections.abc import Mapping

from pamtalk.bus.base import Handler
from pamtalk.db.inbox import handle_once_legacy
from pamtalk.events.catalogue import (
    FarmEsgSubmitted,
    PredictionRequested,
    TransactionCreated,
    TransactionSettled,
    parse,
)
from pamtalk.events.envelope import Envelope
from pamtalk.runtime import Runtime
from services.prediction.anomalies import trade_scorer
from services.prediction.demand_history import record_settled
from services.prediction.esg import score_submission
from services.prediction.jobs import run_job
from services.prediction.models import inbox
from services.prediction.state import state_of

REQUESTS, ANALYTICS = "prediction_requests", "analytics_data"


def prediction_requests(runtime: Runtime) -> Handler:
    esg = handle_once_legacy(runtime.db, inbox, REQUESTS, {FarmEsgSubmitted.TYPE: score_submission})

    async def handler(envelope: Envelope, headers: Mapping[str, str]) -> None:
        if envelope.type == PredictionRequested.TYPE:
            event = parse(envelope)
            assert isinstance(event, PredictionRequested)
            await run_job(runtime, event)
        else:
            await esg(envelope, headers)

    return handler


def analytics_data(runtime: Runtime) -> Handler:
    return handle_once_legacy(
        runtime.db,
        inbox,
        ANALYTICS,
        {
            TransactionCreated.TYPE: trade_scorer(state_of(runtime)),
            TransactionSettled.TYPE: record_settled,
        },
    )
