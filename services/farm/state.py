"""The farm service's state: its settings, its database and the Redis cache of public list
pages. Built at start-up (``build_state``); endpoints take it as ``State``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends

from pamtalk.db.database import Database
from pamtalk.deps import state_dependency
from pamtalk.runtime import Runtime
from services.farm.list_cache import ListCache
from services.farm.settings import FarmSettings


@dataclass
class FarmState:
    settings: FarmSettings
    db: Database
    list_cache: ListCache


async def build_state(runtime: Runtime) -> FarmState:
    settings = runtime.settings
    if not isinstance(settings, FarmSettings):
        raise TypeError(f"the farm service runs with FarmSettings, not {type(settings).__name__}")
    return FarmState(settings, runtime.db, ListCache(runtime.redis, settings.list_cache_seconds))


State = Annotated[FarmState, Depends(state_dependency(FarmState))]
