"""Blockchain service settings (``PAMTALK_BLOCKCHAIN_<FIELD>``, then ``PAMTALK_<FIELD>``).

Development and embedded mode need nothing: the tree heads are signed with the development
key in ``dev_ledger_key.pem`` and anchors go to an in-process chain (eth-tester + py-evm),
kept in ``in_process_chain_file`` across restarts (``make run``: in its data folder) or,
without one, in memory with a contract deployed at each start. Production
(``PAMTALK_ENV=production``) refuses to start without a real ledger signing key, a chain URL,
the chain's signing key and the contract.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import model_validator

from pamtalk.interpreter import restoring_recursion_limit
from pamtalk.settings import ServiceSettings, SynchronousCommit

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    from .anchoring.chain import AnchorClient
    from .anchoring.policy import AnchorPolicy
    from .ledger.tree_head import TreeHeadSigner

DEV_LEDGER_KEY_FILE = Path(__file__).with_name("dev_ledger_key.pem")


class BlockchainSettings(ServiceSettings):
    SERVICE = "blockchain"

    # The ledger's commits return once a synchronous standby has them (RPO 0 for the ledger,
    # README "Read replica"); with no standby named by the server this is an ordinary commit.
    db_synchronous_commit: SynchronousCommit = "on"

    # Ed25519 private key (PEM, PKCS#8) that signs tree heads. Empty: the development key.
    ledger_signing_key: str = ""
    # Public keys of earlier signing keys, still served after a rotation so the heads they
    # signed stay verifiable: a JSON list of raw keys in base64 (``raw_base64`` of the
    # ledger's ``/public-key`` before the rotation).
    ledger_previous_public_keys: str = "[]"
    # JSON-RPC endpoint of an Ethereum-compatible node. Empty: an in-process chain.
    chain_rpc_url: str = ""
    # Hex private key of the account that owns the anchor contract (a secret).
    chain_private_key: str = ""
    # The chain id the node must report (guards against a wrong network); None: any.
    chain_id: int | None = None
    # Address of the deployed Anchor contract (published for verifiers).
    anchor_contract_address: str = ""
    # First block to search for anchor events (the contract's deployment block).
    anchor_contract_block: int = 0
    anchor_every_entries: int = 1000
    anchor_every_seconds: float = 3600.0
    chain_request_timeout_seconds: float = 10.0
    chain_receipt_timeout_seconds: float = 120.0
    # The anchoring task (one replica at a time) looks every ``anchor_poll_seconds`` whether
    # the policy above says an anchor is due; off: the ledger is never anchored.
    anchor_enabled: bool = True
    anchor_poll_seconds: float = 5.0
    # The in-process chain (no chain URL: embedded mode, tests) costs nothing to write to, so
    # it is anchored at least this often, so a trade settled in ``make run`` is soon provable.
    in_process_anchor_every_seconds: float = 15.0
    # Where the in-process chain is kept (a SQLite file, made on the first start), so anchors
    # stay checkable after a restart; empty: in memory, gone with the process (tests). Not
    # used with a chain URL. One process at a time may hold it.
    in_process_chain_file: str = ""
    # How long an ``Idempotency-Key`` of a token write is remembered.
    idempotency_ttl_seconds: int = 24 * 3600

    def secret_values(self) -> dict[str, Any]:
        return {"ledger_signing_key": self.ledger_signing_key, "chain_private_key": self.chain_private_key}

    @model_validator(mode="after")
    def _production_needs_a_real_chain(self) -> BlockchainSettings:
        if self.production and not (self.chain_rpc_url and self.anchor_contract_address):
            raise ValueError(
                "PAMTALK_BLOCKCHAIN_CHAIN_RPC_URL and PAMTALK_BLOCKCHAIN_ANCHOR_CONTRACT_ADDRESS "
                "must be set when PAMTALK_ENV=production"
            )
        if self.chain_rpc_url and not self.chain_private_key:
            raise ValueError("PAMTALK_BLOCKCHAIN_CHAIN_PRIVATE_KEY is needed with a chain RPC URL")
        self.previous_public_keys()  # a malformed list stops the start, not a later request
        return self

    def previous_public_keys(self) -> list[Ed25519PublicKey]:
        from .ledger.tree_head import TreeHeadError, load_public_key

        what = "PAMTALK_BLOCKCHAIN_LEDGER_PREVIOUS_PUBLIC_KEYS"
        try:
            items = json.loads(self.ledger_previous_public_keys)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{what} is not JSON: {exc}") from exc
        if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
            raise ValueError(f"{what} must be a JSON list of base64 public keys")
        try:
            return [load_public_key(item) for item in items]
        except TreeHeadError as exc:
            raise ValueError(f"{what}: {exc}") from exc

    def tree_head_signer(self) -> TreeHeadSigner:
        from .ledger.tree_head import TreeHeadSigner

        pem = self.ledger_signing_key or DEV_LEDGER_KEY_FILE.read_text(encoding="ascii")
        return TreeHeadSigner.from_pem(pem)

    def anchor_client(self) -> AnchorClient:
        """The configured chain; in-process (kept in its file, or new in memory) when no URL is set."""
        with restoring_recursion_limit():  # web3 and py-evm load py_ecc, which raises it
            from .anchoring.chain import AnchorClient, local_anchor_client
            from .anchoring.chain_file import file_anchor_client

        if not self.chain_rpc_url and self.in_process_chain_file:
            return file_anchor_client(Path(self.in_process_chain_file))
        if not self.chain_rpc_url:
            return local_anchor_client()
        return AnchorClient.connect(
            self.chain_rpc_url,
            self.chain_private_key,
            self.anchor_contract_address or None,
            expected_chain_id=self.chain_id,
            request_timeout=self.chain_request_timeout_seconds,
            receipt_timeout=self.chain_receipt_timeout_seconds,
            logs_from_block=self.anchor_contract_block,
        )

    def anchor_policy(self) -> AnchorPolicy:
        from .anchoring.policy import AnchorPolicy

        seconds = self.anchor_every_seconds
        if not self.chain_rpc_url:
            seconds = min(seconds, self.in_process_anchor_every_seconds)
        return AnchorPolicy(self.anchor_every_entries, seconds)
