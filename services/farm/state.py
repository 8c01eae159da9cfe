"""The farm service's singletons, and the transactions of writes that invalidate the list
cache once they have committed (still before the response is sent): the session of
``WriteSession``, and ``ListedWrite``, the kit's ``PlainWrite`` for a change every list shows."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from pamtalk.db.database import Database
from pamtalk.db.outbox import PlainTx, plain_transaction
from pamtalk.deps import get_runtime
from pamtalk.runtime import Runtime
from services.farm.list_cache import ListCache, lists_changed
from services.farm.settings import FarmSettings


@dataclass
class FarmState:
    settings: FarmSettings
    list_cache: ListCache
    db: Database


async def build_state(runtime: Runtime) -> None:
    settings = runtime.settings
    assert isinstance(settings, FarmSettings)
    runtime.extras["farm"] = FarmState(
        settings, ListCache(runtime.redis, settings.list_cache_seconds), runtime.db
    )


def state_of(runtime: Runtime) -> FarmState:
    state: FarmState = runtime.extras["farm"]
    return state


async def farm_state(request: Request) -> FarmState:
    """``async``: FastAPI runs a plain ``def`` dependency in its threadpool (a thread
    hand-off on every request for an attribute lookup)."""
    return state_of(get_runtime(request))


async def write_session(request: Request) -> AsyncIterator[AsyncSession]:
    runtime = get_runtime(request)
    async with runtime.db.transaction() as session:
        yield session
    if lists_changed(session):
        await state_of(runtime).list_cache.invalidate()


async def listed_write(request: Request) -> AsyncIterator[PlainTx]:
    runtime = get_runtime(request)
    async with plain_transaction(runtime.db) as tx:
        yield tx
    await state_of(runtime).list_cache.invalidate()


State = Annotated[FarmState, Depends(farm_state)]
WriteSession = Annotated[AsyncSession, Depends(write_session, scope="function")]
ListedWrite = Annotated[PlainTx, Depends(listed_write, scope="function")]
