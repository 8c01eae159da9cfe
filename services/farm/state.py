"""The farm service's state: its settings, its database, the pools of its further shards (farm
pages read there: shard_reads.py) and the Redis cache of public list pages. Built at start-up
(``build_state``), the shards' pools closed at shutdown (``stop_state``); endpoints take it as
``State``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends

from pamtalk.db.database import Database
from pamtalk.deps import state_dependency
from pamtalk.runtime import Runtime
from services.farm.list_cache import ListCache
from services.farm.settings import FarmSettings
from services.farm.shard_reads import ShardReads

# Connections of a process to each further shard: pages are one short statement each
SHARD_POOL_SIZE = 4


@dataclass
class FarmState:
    settings: FarmSettings
    db: Database
    shards: ShardReads
    list_cache: ListCache


async def build_state(runtime: Runtime) -> FarmState:
    settings = runtime.settings
    if not isinstance(settings, FarmSettings):
        raise TypeError(f"the farm service runs with FarmSettings, not {type(settings).__name__}")
    shards = ShardReads(
        settings.shards,
        pool_size=min(SHARD_POOL_SIZE, settings.db_pool_size),
        reconnect_seconds=settings.db_reconnect_seconds,
    )
    return FarmState(settings, runtime.db, shards, ListCache(runtime.redis, settings.list_cache_seconds))


async def stop_state(runtime: Runtime) -> None:
    if isinstance(runtime.state, FarmState):
        await runtime.state.shards.close()


State = Annotated[FarmState, Depends(state_dependency(FarmState))]
