"""What the blockchain service holds while it runs: the tree head signer and the keys that
verify its heads, the clock, the chain client and the anchoring task (``BlockchainState``,
made by ``build_state`` at start-up), and ``State``, its typed dependency."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Annotated

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from fastapi import Depends

from pamtalk.db.tx import Tx
from pamtalk.deps import state_dependency
from pamtalk.runtime import Runtime
from services.blockchain.anchoring.loop import Anchorer
from services.blockchain.append import Clock, LedgerWriter, now_ms
from services.blockchain.ledger.tree_head import TreeHeadSigner, key_id, public_key_pem
from services.blockchain.settings import BlockchainSettings

if TYPE_CHECKING:  # the chain client loads web3: only where anchoring runs
    from services.blockchain.anchoring.chain import AnchorClient

log = logging.getLogger("pamtalk.blockchain")


@dataclass
class BlockchainState:
    settings: BlockchainSettings
    signer: TreeHeadSigner
    clock: Clock = now_ms
    anchor_client: AnchorClient | None = None
    anchorer: Anchorer | None = None
    in_process_chain: bool = False
    upkeep: asyncio.Task[None] | None = None  # started by ``upkeep.start``
    previous_keys: tuple[Ed25519PublicKey, ...] = ()
    # Every key id that signed or signs heads -> its PEM, the current key first.
    public_keys: dict[str, str] = field(init=False)

    def __post_init__(self) -> None:
        keys = (self.signer.public_key, *self.previous_keys)
        self.public_keys = {}
        for key in keys:
            self.public_keys.setdefault(key_id(key), public_key_pem(key))

    @property
    def public_key_pem(self) -> str:
        return self.public_keys[self.key_id]

    @property
    def key_id(self) -> str:
        return next(iter(self.public_keys))

    @property
    def contract_address(self) -> str | None:
        client = self.anchor_client
        return client.contract_address.lower() if client is not None else None

    @property
    def idempotency_ttl(self) -> timedelta:
        return timedelta(seconds=self.settings.idempotency_ttl_seconds)

    async def ledger_writer(self, tx: Tx) -> LedgerWriter:
        """A writer of the ledger in ``tx``, which holds the ledger lock from now on."""
        return await LedgerWriter.open(tx, self.signer, self.clock)


async def _anchor_client(settings: BlockchainSettings) -> AnchorClient | None:
    if not settings.anchor_enabled:
        return None
    if settings.chain_rpc_url and not settings.anchor_contract_address:
        log.warning("no anchor contract configured: the ledger is not anchored (see cli deploy-anchor)")
        return None
    # The in-process chain is built (and its contract deployed) synchronously: off the loop.
    return await asyncio.to_thread(settings.anchor_client)


async def build_state(
    runtime: Runtime, *, anchor_client: AnchorClient | None = None, clock: Clock | None = None
) -> BlockchainState:
    """The state at start-up, its anchoring task started; tests hand in their own chain
    client (e.g. one with outages) and clock."""
    settings = runtime.settings
    if not isinstance(settings, BlockchainSettings):
        raise TypeError(f"the blockchain service needs BlockchainSettings, not {type(settings).__name__}")
    client = anchor_client if anchor_client is not None else await _anchor_client(settings)
    state = BlockchainState(
        settings=settings,
        signer=settings.tree_head_signer(),
        previous_keys=tuple(settings.previous_public_keys()),
        clock=clock or now_ms,
        anchor_client=client,
        in_process_chain=client is not None and not settings.chain_rpc_url,
    )
    if client is not None:
        state.anchorer = Anchorer(
            runtime.db,
            client,
            settings.anchor_policy(),
            poll_seconds=settings.anchor_poll_seconds,
            clock=state.clock,
        )
        state.anchorer.start()
    return state


async def stop(runtime: Runtime) -> None:
    """The shutdown hook: the anchoring and upkeep tasks end."""
    state = runtime.state
    if not isinstance(state, BlockchainState):  # the start-up failed before the state was made
        return
    if state.anchorer is not None:
        await state.anchorer.stop()
    if state.upkeep is not None:
        state.upkeep.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await state.upkeep


State = Annotated[BlockchainState, Depends(state_dependency(BlockchainState))]
