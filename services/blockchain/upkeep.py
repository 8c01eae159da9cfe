"""Upkeep of the blockchain service: the ledger gauges a scrape refreshes (an anchoring that
is stuck shows as a growing ``ledger_unanchored_entries``), and the hourly removal of
expired idempotency keys."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

from prometheus_client import Gauge

from pamtalk import idempotency
from pamtalk.runtime import Runtime, service_state
from services.blockchain.state import BlockchainState
from services.blockchain.store import anchors
from services.blockchain.store import ledger as store

log = logging.getLogger("pamtalk.blockchain")
LEDGER_SIZE = Gauge(
    "ledger_entries", "Entries in the ledger (latest signed tree size)", multiprocess_mode="max"
)
UNANCHORED = Gauge(
    "ledger_unanchored_entries",
    "Entries not yet covered by an anchor on the configured chain",
    multiprocess_mode="max",
)
PRUNE_SECONDS = 3600.0


async def refresh_metrics(runtime: Runtime) -> None:
    state = service_state(runtime, BlockchainState)
    contract = state.contract_address
    async with runtime.db.read("replica") as read:
        head = await store.latest_head(read)
        anchored = 0 if contract is None else await anchors.anchored_size(read, contract)
    size = head.tree_size if head else 0
    LEDGER_SIZE.set(size)
    UNANCHORED.set(size - anchored if contract is not None else 0)


async def prune_keys(runtime: Runtime, state: BlockchainState) -> None:
    async with runtime.db.write() as tx:
        await idempotency.prune(tx, datetime.now(UTC) - state.idempotency_ttl)


async def prune_loop(runtime: Runtime, state: BlockchainState) -> None:
    while True:
        try:
            await prune_keys(runtime, state)
        except Exception:  # logged; the next round tries again
            log.exception("idempotency key pruning failed")
        await asyncio.sleep(PRUNE_SECONDS)


async def start(runtime: Runtime) -> None:
    """The start-up hook: pruning runs in the background (``state.stop`` ends it)."""
    state = service_state(runtime, BlockchainState)
    state.upkeep = asyncio.create_task(prune_loop(runtime, state), name="blockchain:upkeep")
