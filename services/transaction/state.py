"""The transaction service's singletons (clock, dashboard cache) and its upkeep task:
monthly partitions and expired idempotency keys, at start-up and every maintenance round."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from fastapi import Request

from pamtalk.cache import Cache
from pamtalk.runtime import Runtime
from services.transaction import idempotency
from services.transaction.partitions import ensure_partitions
from services.transaction.settings import TransactionSettings

log = logging.getLogger("pamtalk.transaction")


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class TransactionState:
    settings: TransactionSettings
    dashboard: Cache
    clock: Callable[[], datetime] = utc_now  # tests move it to other months
    upkeep: asyncio.Task[None] | None = field(default=None, repr=False)

    @property
    def idempotency_ttl(self) -> timedelta:
        return timedelta(seconds=self.settings.idempotency_ttl_seconds)


async def maintain(runtime: Runtime, state: TransactionState) -> None:
    """One upkeep round: partitions ahead of time, and expired idempotency keys removed."""
    now = state.clock()
    settings = state.settings
    await ensure_partitions(
        runtime.db, now, settings.partition_months_behind, settings.partition_months_ahead
    )
    async with runtime.db.transaction() as session:
        await idempotency.prune(session, now - state.idempotency_ttl)


async def _upkeep_loop(runtime: Runtime, state: TransactionState) -> None:
    while True:
        await asyncio.sleep(state.settings.maintenance_seconds)
        try:
            await maintain(runtime, state)
        except Exception:  # logged; the next round tries again
            log.exception("transaction upkeep failed")


async def start(runtime: Runtime) -> None:
    settings = runtime.settings
    assert isinstance(settings, TransactionSettings)
    state = TransactionState(
        settings=settings,
        dashboard=Cache(runtime.redis, "transaction:dashboard", settings.dashboard_ttl_seconds),
    )
    runtime.extras["transaction"] = state
    await maintain(runtime, state)  # the service does not take writes before its partitions exist
    state.upkeep = asyncio.create_task(_upkeep_loop(runtime, state), name="transaction:upkeep")


async def stop(runtime: Runtime) -> None:
    state: TransactionState | None = runtime.extras.get("transaction")
    if state is not None and state.upkeep is not None:
        state.upkeep.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await state.upkeep


async def transaction_state(request: Request) -> TransactionState:
    """``async``: FastAPI would run a plain ``def`` dependency in its threadpool."""
    state: TransactionState = request.app.state.runtime.extras["transaction"]
    return state
