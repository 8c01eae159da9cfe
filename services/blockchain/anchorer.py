"""The anchoring task: every few seconds, write the latest signed root to the chain when the
policy says an anchor is due (every N entries or T seconds, ``anchoring.AnchorPolicy``).

Only one replica anchors at a time: a tick runs in a transaction that first takes a
*try* advisory lock, and a replica that does not get it skips the tick. The chain call is
made by ``anchoring.catch_up_async``; an outage (``CHAIN_UNAVAILABLE``) stores nothing, so
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

from sqlalchemy import select, text
from sqlalchemy.dialects.postgresql import insert

from pamtalk.db.database import Database
from pamtalk.db.outbox import add_event
from pamtalk.events.catalogue import LedgerAnchored
from services.blockchain.anchoring import AnchorPolicy, AnchorState, CatchUpResult, Outcome, catch_up_async
from services.blockchain.chain import AnchorClient
from services.blockchain.ledger_reads import latest_head
from services.blockchain.ledger_writer import PRODUCER, Clock, now_ms
from services.blockchain.models import AnchorRow, outbox

log = logging.getLogger("pamtalk.blockchain.anchoring")
ANCHOR_LOCK = 0x50414D54_414E4348  # "PAMTANCH": one anchoring replica at a time


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
        async with self.db.transaction() as session:
            locked = await session.scalar(
                text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": ANCHOR_LOCK}
            )
            if not locked:
                return None
            head = await latest_head(session)
            if head is None:
                return CatchUpResult(Outcome.UP_TO_DATE)
            query = (
                select(AnchorRow.tree_size, AnchorRow.anchored_at)
                .where(AnchorRow.contract_address == contract)
                .order_by(AnchorRow.tree_size.desc())
                .limit(1)
            )
            row = (await session.execute(query)).first()
            last = AnchorState(row.tree_size, int(row.anchored_at.timestamp() * 1000)) if row else None
            now = self.clock()
            result = await catch_up_async(
                last, head, self.client.anchor_async, policy=self.policy, now_ms=now, force=force
            )
            if result.receipt is not None:
                receipt = result.receipt
                await session.execute(
                    insert(AnchorRow)
                    .values(
                        tree_size=receipt.tree_size,
                        root_hash=receipt.root_hash,
                        chain_id=receipt.chain_id,
                        contract_address=receipt.contract_address.lower(),
                        tx_hash=receipt.tx_hash,
                        block_number=receipt.block_number,
                        anchored_at=datetime.fromtimestamp(now / 1000, UTC),
                    )
                    .on_conflict_do_nothing()
                )
                event = LedgerAnchored(
                    tree_size=receipt.tree_size,
                    root_hash=receipt.root_hash.hex(),
                    chain_id=receipt.chain_id,
                    tx_hash="0x" + receipt.tx_hash.hex(),
                    block_number=receipt.block_number,
                )
                await add_event(session, outbox, event, PRODUCER)
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
