"""Proofs from the stored ledger: an entry with its leaf hash, inclusion and consistency
proofs, and the verifier's bundle. The pure hashing is ``ledger/``, shared with the verifier.

Reads take no lock: entries, Merkle nodes, heads and anchors are immutable once committed,
and every node a proof for a committed head needs was committed with that head.
"""

from __future__ import annotations

from collections.abc import Mapping

from pamtalk.db.tx import Read
from services.blockchain.ledger import merkle
from services.blockchain.ledger.bundle import make_bundle
from services.blockchain.ledger.entry import LedgerEntry
from services.blockchain.ledger.tree import nodes_for_consistency, nodes_for_inclusion
from services.blockchain.store import anchors
from services.blockchain.store import ledger as store


class UnknownSigningKey(LookupError):
    """A stored head was signed by a key the service does not know (not the current key,
    not among the previous public keys): no bundle of it could be verified."""

    def __init__(self, kid: str) -> None:
        super().__init__(kid)
        self.key_id = kid


async def entry_at(read: Read, index: int) -> tuple[LedgerEntry, bytes] | None:
    """The entry at ``index`` and its leaf hash, parsed from the stored canonical bytes."""
    row = await store.entry_at(read, index)
    if row is None:
        return None
    return LedgerEntry.from_canonical_bytes(bytes(row["data"])), bytes(row["leaf_hash"])


async def inclusion_proof(read: Read, index: int, tree_size: int) -> list[bytes]:
    nodes = await store.nodes(read, nodes_for_inclusion(index, tree_size))
    return merkle.inclusion_proof(index, tree_size, merkle.hasher_from_nodes(nodes.__getitem__))


async def consistency_proof(read: Read, first: int, second: int) -> list[bytes]:
    nodes = await store.nodes(read, nodes_for_consistency(first, second))
    return merkle.consistency_proof(first, second, merkle.hasher_from_nodes(nodes.__getitem__))


async def bundle(
    read: Read, index: int, public_keys: Mapping[str, str], contract: str | None
) -> dict[str, object] | None:
    """The verifier's bundle for entry ``index`` against the latest signed head, carrying
    the key that signed that head (``public_keys``: key id -> PEM) and the anchor on
    ``contract`` to prove it against, if any; ``None`` when there is no such entry,
    ``UnknownSigningKey`` when the head's key is not in ``public_keys``."""
    signed = await store.latest_signed(read)
    found = await entry_at(read, index)
    if signed is None or found is None or index >= signed[0].tree_size:
        return None
    head, key_id = signed
    if key_id not in public_keys:
        raise UnknownSigningKey(key_id)
    entry, _ = found
    anchor = None if contract is None else await anchors.for_entry(read, index, contract.lower())
    link: list[bytes] = []
    if anchor is not None:
        small, large = sorted((anchor.tree_size, head.tree_size))
        link = await consistency_proof(read, small, large)
    proof = await inclusion_proof(read, index, head.tree_size)
    return make_bundle(entry, proof, head, public_keys[key_id], anchor, link, key_id)
