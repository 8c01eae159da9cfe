"""The blockchain service: the verifiable ledger (RFC 6962 Merkle tree, signed tree heads),
ESG-GOLD balances, and anchors of the ledger on an Ethereum-compatible chain."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fastapi import FastAPI

from pamtalk.app import ServiceDefinition, create_service_app
from pamtalk.runtime import Runtime, Shared
from services.blockchain import state, upkeep
from services.blockchain.api import anchors, entries, esg_rewards, heads, wallets
from services.blockchain.append import Clock
from services.blockchain.consumers import QUEUE, blockchain_consumer
from services.blockchain.models import outbox
from services.blockchain.settings import BlockchainSettings

if TYPE_CHECKING:  # the chain client loads web3: only where anchoring runs
    from services.blockchain.anchoring.chain import AnchorClient


def definition(anchor_client: AnchorClient | None = None, clock: Clock | None = None) -> ServiceDefinition:
    async def build_state(runtime: Runtime) -> state.BlockchainState:
        return await state.build_state(runtime, anchor_client=anchor_client, clock=clock)

    return ServiceDefinition(
        name="blockchain",
        title="PAM-TALK blockchain service",
        description=(
            "An append-only ledger of settled trades, ESG assessments and ESG-GOLD movements that "
            "anyone can verify (RFC 6962 proofs, Ed25519-signed tree heads, roots anchored on an "
            "Ethereum-compatible chain), and ESG-GOLD wallets."
        ),
        settings_cls=BlockchainSettings,
        routers=[heads.router, entries.router, anchors.router, esg_rewards.router, wallets.router],
        outbox=outbox,
        build_state=build_state,
        consumers={QUEUE: blockchain_consumer},
        on_startup=[upkeep.start],
        on_shutdown=[state.stop],
        metrics_refresh=upkeep.refresh_metrics,
        openapi_tags=[
            {"name": "ledger", "description": "Entries, proofs, signed tree heads, the public key"},
            {"name": "anchors", "description": "Roots written to the chain"},
            {"name": "wallets", "description": "ESG-GOLD balances, transfers and redemptions"},
        ],
    )


def create_app(
    shared: Shared | None = None,
    *,
    anchor_client: AnchorClient | None = None,
    clock: Clock | None = None,
    **overrides: Any,
) -> FastAPI:
    """``anchor_client`` and ``clock``: for tests (a chain with outages, a moving clock)."""
    return create_service_app(definition(anchor_client, clock), BlockchainSettings(**overrides), shared)


def __getattr__(name: str) -> Any:  # ``services.blockchain.app:app`` for uvicorn, built on first use
    if name == "app":
        return create_app()
    raise AttributeError(name)
