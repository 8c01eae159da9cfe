"""Events the farm service consumes: ``esg.scored`` on queue ``farm_updates``."""

from __future__ import annotations

from collections.abc import Mapping

from pamtalk.bus.base import Handler
from pamtalk.db.inbox import handle_once_legacy
from pamtalk.events.catalogue import EsgScored
from pamtalk.events.envelope import Envelope
from pamtalk.runtime import Runtime
from services.farm import esg
from services.farm.models import inbox
from services.farm.state import state_of

QUEUE = "farm_updates"


def esg_scored_consumer(runtime: Runtime) -> Handler:
    """Once per event id (inbox, plain SQL in the claim's transaction): record the score,
    move the farm's grade if newer, publish ``farm.updated``; then, after the commit,
    invalidate the list cache."""
    apply = handle_once_legacy(runtime.db, inbox, QUEUE, {EsgScored.TYPE: esg.apply_scored})

    async def handler(envelope: Envelope, headers: Mapping[str, str]) -> None:
        await apply(envelope, headers)
        await state_of(runtime).list_cache.invalidate()

    return handler
