"""Events the farm service consumes: ``esg.scored`` on queue ``farm_updates``."""

from __future__ import annotations

from pamtalk.bus.base import Handler
from pamtalk.db.inbox import Effects, handle_once
from pamtalk.db.tx import Tx
from pamtalk.events.catalogue import EsgScored
from pamtalk.events.envelope import Envelope
from pamtalk.runtime import Runtime, service_state
from services.farm import esg
from services.farm.state import FarmState

QUEUE = "farm_updates"


def esg_scored_consumer(runtime: Runtime) -> Handler:
    """Once per event id (the inbox claim in the effect's transaction): record the score,
    move the farm's grade if newer and publish ``farm.updated``; once that has committed,
    invalidate the list cache."""
    list_cache = service_state(runtime, FarmState).list_cache

    async def scored(tx: Tx, event: EsgScored, envelope: Envelope) -> None:
        if await esg.record_score(tx, event, envelope.occurred_at):
            tx.after_commit(list_cache.invalidate)

    return handle_once(runtime.db, QUEUE, Effects().on(EsgScored, scored))
