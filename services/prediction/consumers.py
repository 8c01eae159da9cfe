"""What the prediction service consumes.

- ``prediction_requests``: ``farm.esg_submitted`` is scored (``esg.py``), once per event id
  (inbox). ``prediction.requested`` runs a forecast job (``jobs.run_job``): it takes no inbox
  claim, since the job's own state makes it idempotent (a redelivered request for a job cut
  short must run it again) and its forecasts run outside any transaction.
- ``analytics_data`` (``transaction.*``): ``transaction.created`` is scored for anomalies
  (``anomalies.py``), ``transaction.settled`` adds to the daily demand (``demand_history.py``);
  the other trade events, and ``transaction.flagged``, are claimed and change nothing.

Inbox claim and effect share one transaction (``pamtalk.db.inbox.handle_once``).
"""

from __future__ import annotations

from collections.abc import Mapping

from pamtalk.bus.base import Handler
from pamtalk.db.inbox import Effects, handle_once
from pamtalk.events.catalogue import (
    FarmEsgSubmitted,
    PredictionRequested,
    TransactionCreated,
    TransactionSettled,
)
from pamtalk.events.envelope import Envelope
from pamtalk.runtime import Runtime
from services.prediction.anomalies import trade_scorer
from services.prediction.demand_history import record_settled
from services.prediction.esg import score_submission
from services.prediction.jobs import run_job
from services.prediction.state import state_of

REQUESTS, ANALYTICS = "prediction_requests", "analytics_data"
JOB_REQUEST = (PredictionRequested.TYPE, PredictionRequested.VERSION)


def prediction_requests(runtime: Runtime) -> Handler:
    state = state_of(runtime)
    scored_once = handle_once(runtime.db, REQUESTS, Effects().on(FarmEsgSubmitted, score_submission))

    async def handler(envelope: Envelope, headers: Mapping[str, str]) -> None:
        if (envelope.type, envelope.version) == JOB_REQUEST:
            await run_job(runtime.db, state, PredictionRequested.model_validate(envelope.data))
        else:
            await scored_once(envelope, headers)

    return handler


def analytics_data(runtime: Runtime) -> Handler:
    effects = (
        Effects()
        .on(TransactionCreated, trade_scorer(state_of(runtime)))
        .on(TransactionSettled, record_settled)
    )
    return handle_once(runtime.db, ANALYTICS, effects)
