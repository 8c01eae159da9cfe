"""The anchoring task: every few seconds, write the latest signed root to the chain when the
policy says an anchor is due (every N entries or T seconds, ``policy.AnchorPolicy``).

Only one replica anchors at a time: a tick runs in a transaction that first takes a
*try* advisory lock, and a replica that does not get it skips the tick. The chain call is
made by ``policy.catch_up``; an outage (``CHAIN_UNAVAILABLE``) stores nothing, so
the next tick retries with the newest head, which covers every entry appended meanwhile:
the ledger itself never waits for the chain. A stored anchor is announced as
``ledger.anchored``. Anchors are kept per chain and contract; the "last anchor" the policy
looks at is the last one on the contract this replica writes to.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from pamtalk.db.database import Database
from pamtalk.events.catalogue import LedgerAnchored
from services.blockchain.anchoring.policy import AnchorPolicy, AnchorState, CatchUpResult, Outcome, catch_up
from services.blockchain.append import Clock, now_ms
from services.blockchain.store import anchors
from services.blockchain.store import ledger as store

if TYPE_CHECKING:  # the chain client loads web3: only where anchoring runs
    from services.blockchain.anchoring.chain import AnchorClient

log = logging.getLogger("pamtalk.blockchain.anchoring")


class Anchorer:
    def __init__(
        self,
        db: Database,
        client: AnchorClient,
        policy: AnchorPolicy,
        *,
        poll_seconds: float = 5.0,
        clock: Clock = now_ms,
    ) -> None:
        self.db, self.client, self.policy = db, client, policy
        self.poll_seconds, self.clock = poll_seconds, clock
        self.last_result: CatchUpResult | None = None
        self._task: asyncio.Task[None] | None = None

    async def tick(self, *, force: bool = False) -> CatchUpResult | None:
        """One round; ``None`` when another replica holds the anchoring lock."""
        contract = self.client.contract_address.lower()
        async with self.db.write() as tx:
            if not await anchors.try_lock(tx):
                return None
            head = await store.latest_head(tx)
            if head is None:
                return CatchUpResult(Outcome.UP_TO_DATE)
            row = await anchors.last_on(tx, contract)
            last = AnchorState(row["tree_size"], int(row["anchored_at"].timestamp() * 1000)) if row else None
            now = self.clock()
            result = await catch_up(
                last, head, self.client.anchor_async, policy=self.policy, now_ms=now, force=force
            )
            if result.receipt is not None:
                receipt = result.receipt
                await anchors.insert(tx, receipt.to_anchor(), datetime.fromtimestamp(now / 1000, UTC))
                event = LedgerAnchored(
                    tree_size=receipt.tree_size,
                    root_hash=receipt.root_hash.hex(),
                    chain_id=receipt.chain_id,
                    tx_hash="0x" + receipt.tx_hash.hex(),
                    block_number=receipt.block_number,
                )
                await tx.add_event(event)
        self.last_result = result
        self._log(result)
        return result

    def _log(self, result: CatchUpResult) -> None:
        if result.outcome is Outcome.ANCHORED and result.receipt is not None:
            log.info(
                "ledger anchored",
                extra={"tree_size": result.receipt.tree_size, "block": result.receipt.block_number},
            )
        elif result.outcome is Outcome.CHAIN_UNAVAILABLE:
            log.warning("chain unavailable, anchoring retries", extra={"error_code": result.error})
        elif result.outcome is Outcome.REJECTED:
            log.error("anchor rejected by the contract", extra={"error_code": result.error})

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.poll_seconds)
            try:
                await self.tick()
            except Exception:  # logged; the next round tries again
                log.exception("anchoring round failed")

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="blockchain:anchoring")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
