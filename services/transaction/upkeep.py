"""The service's upkeep: monthly partitions of trades made ahead of time, and expired
idempotency keys removed; at start-up (the service takes no write before its partitions
exist) and then every ``maintenance_seconds``."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from pamtalk import idempotency
from pamtalk.db.database import Database
from pamtalk.runtime import Runtime, service_state
from services.transaction.state import TransactionState
from services.transaction.store.partitions import ensure_partitions

log = logging.getLogger("pamtalk.transaction")


async def maintain(db: Database, state: TransactionState) -> None:
    """One round: partitions ahead of time, and expired idempotency keys removed."""
    now = state.clock()
    settings = state.settings
    await ensure_partitions(db, now, settings.partition_months_behind, settings.partition_months_ahead)
    async with db.write() as tx:
        await idempotency.prune(tx, now - state.idempotency_ttl)


async def _rounds(db: Database, state: TransactionState) -> None:
    while True:
        await asyncio.sleep(state.settings.maintenance_seconds)
        try:
            await maintain(db, state)
        except Exception:  # logged; the next round tries again
            log.exception("transaction upkeep failed")


async def start(runtime: Runtime) -> None:
    state = service_state(runtime, TransactionState)
    await maintain(runtime.db, state)
    state.upkeep = asyncio.create_task(_rounds(runtime.db, state), name="transaction:upkeep")


async def stop(runtime: Runtime) -> None:
    state = service_state(runtime, TransactionState)
    if state.upkeep is not None:
        state.upkeep.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await state.upkeep
