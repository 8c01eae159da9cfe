"""Upkeep of the blockchain service: the ledger gauges a scrape refreshes (an anchoring that
is stuck shows as a growing ``ledger_unanchored_entries``), and the hourly removal of
expired idempotency keys."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from prometheus_client import Gauge
from sqlalchemy import func, select

from pamtalk.db.raw import driver
from pamtalk.runtime import Runtime
from services.blockchain import idempotency
from services.blockchain.ledger_writer import load_latest_head
from services.blockchain.models import AnchorRow

if TYPE_CHECKING:
    from services.blockchain.state import BlockchainState

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
    state: BlockchainState = runtime.extras["blockchain"]
    async with runtime.db.transaction() as session:
        head = await load_latest_head(await driver(session))
        size = head.tree_size if head else 0
        anchored = 0
        if state.contract_address is not None:
            query = select(func.max(AnchorRow.tree_size)).where(
                AnchorRow.contract_address == state.contract_address
            )
            anchored = int(await session.scalar(query) or 0)
    LEDGER_SIZE.set(size)
    UNANCHORED.set(size - anchored if state.contract_address is not None else 0)


async def prune_keys(runtime: Runtime, state: BlockchainState) -> None:
    before = datetime.now(UTC) - timedelta(seconds=state.settings.idempotency_ttl_seconds)
    async with runtime.db.transaction() as session:
        await idempotency.prune(session, before)


async def prune_loop(runtime: Runtime, state: BlockchainState) -> None:
    while True:
        try:
            await prune_keys(runtime, state)
        except Exception:  # logged; the next round tries again
            log.exception("idempotency key pruning failed")
        await asyncio.sleep(PRUNE_SECONDS)
