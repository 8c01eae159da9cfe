"""The transaction service's state: its settings, clock, dashboard cache and upkeep task."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import Depends

from pamtalk.cache import Cache
from pamtalk.deps import state_dependency
from pamtalk.runtime import Runtime
from services.transaction.settings import TransactionSettings


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class TransactionState:
    settings: TransactionSettings
    dashboard: Cache
    clock: Callable[[], datetime] = utc_now  # tests move it to other months
    upkeep: asyncio.Task[None] | None = field(default=None, repr=False)  # upkeep.py's rounds

    @property
    def idempotency_ttl(self) -> timedelta:
        return timedelta(seconds=self.settings.idempotency_ttl_seconds)


async def build_state(runtime: Runtime) -> TransactionState:
    settings = runtime.settings
    if not isinstance(settings, TransactionSettings):
        raise TypeError(f"the transaction service runs on TransactionSettings, not {type(settings).__name__}")
    dashboard = Cache(runtime.redis, "transaction:dashboard", settings.dashboard_ttl_seconds)
    return TransactionState(settings=settings, dashboard=dashboard)


State = Annotated[TransactionState, Depends(state_dependency(TransactionState))]
