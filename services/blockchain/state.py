"""The blockchain service's singletons: the tree head signer, the clock, the chain client
and the anchoring task, made at start-up and kept on the runtime."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from fastapi import Request

from pamtalk.app import Hook
from pamtalk.runtime import Runtime
from services.blockchain.anchorer import Anchorer
from services.blockchain.chain import AnchorClient
from services.blockchain.ledger.tree_head import TreeHeadSigner, key_id, public_key_pem
from services.blockchain.ledger_writer import Clock, now_ms
from services.blockchain.settings import BlockchainSettings
from services.blockchain.upkeep import prune_loop

log = logging.getLogger("pamtalk.blockchain")


@dataclass
class BlockchainState:
    settings: BlockchainSettings
    signer: TreeHeadSigner
    clock: Clock = now_ms
    anchor_client: AnchorClient | None = None
    anchorer: Anchorer | None = None
    in_process_chain: bool = False
    upkeep: asyncio.Task[None] | None = None
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


async def _anchor_client(settings: BlockchainSettings) -> AnchorClient | None:
    if not settings.anchor_enabled:
        return None
    if settings.chain_rpc_url and not settings.anchor_contract_address:
        log.warning("no anchor contract configured: the ledger is not anchored (see cli deploy-anchor)")
        return None
    # The in-process chain is built (and its contract deployed) synchronously: off the loop.
    return await asyncio.to_thread(settings.anchor_client)


def starter(anchor_client: AnchorClient | None = None, clock: Clock | None = None) -> Hook:
    """The start-up hook; tests hand in their own chain client (e.g. one with outages) and clock."""

    async def start(runtime: Runtime) -> None:
        settings = runtime.settings
        assert isinstance(settings, BlockchainSettings)
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
        runtime.extras["blockchain"] = state
        state.upkeep = asyncio.create_task(prune_loop(runtime, state), name="blockchain:upkeep")

    return start


async def stop(runtime: Runtime) -> None:
    state: BlockchainState | None = runtime.extras.get("blockchain")
    if state is None:
        return
    if state.anchorer is not None:
        await state.anchorer.stop()
    if state.upkeep is not None:
        state.upkeep.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await state.upkeep


async def blockchain_state(request: Request) -> BlockchainState:
    state: BlockchainState = request.app.state.runtime.extras["blockchain"]
    return state
