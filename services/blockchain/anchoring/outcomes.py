"""What an anchoring attempt ends in: where the root landed (``AnchorReceipt``) or one of the
two errors callers handle. Free of the chain libraries (web3, eth-account): the API and the
anchoring policy import these, and only the chain client (``chain.py``, loaded where
anchoring runs) needs web3."""

from __future__ import annotations

from dataclasses import dataclass

from services.blockchain.ledger.anchor import Anchor


class ChainUnavailable(Exception):
    """The chain could not be reached or did not answer in time; try again later."""


class AnchorRejected(Exception):
    """The anchor contract refused the call (revert reason in the message)."""


@dataclass(frozen=True)
class AnchorReceipt:
    """Where a root was anchored (the service stores this next to its tree head)."""

    tree_size: int
    root_hash: bytes
    chain_id: int
    contract_address: str
    tx_hash: bytes
    block_number: int

    def to_anchor(self) -> Anchor:
        return Anchor(
            self.tree_size,
            self.root_hash,
            self.chain_id,
            self.contract_address.lower(),
            self.tx_hash,
            self.block_number,
        )
