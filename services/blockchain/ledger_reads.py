"""Reading the stored ledger: entries, signed heads, proofs, anchors and bundles.

Reads take no lock: entries, Merkle nodes, heads and anchors are immutable once committed,
and every node a proof for a committed head needs was committed with that head.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pamtalk.db.raw import driver
from services.blockchain.ledger import merkle
from services.blockchain.ledger.anchor import Anchor
from services.blockchain.ledger.bundle import make_bundle
from services.blockchain.ledger.entry import LedgerEntry
from services.blockchain.ledger.tree import nodes_for_consistency, nodes_for_inclusion
from services.blockchain.ledger.tree_head import TreeHead
from services.blockchain.ledger_writer import load_latest_head, load_latest_signed, load_nodes
from services.blockchain.models import AnchorRow, LedgerEntryRow, TreeHeadRow


class UnknownSigningKey(LookupError):
    """A stored head was signed by a key the service does not know (not the current key,
    not among the previous public keys): no bundle of it could be verified."""

    def __init__(self, kid: str) -> None:
        super().__init__(kid)
        self.key_id = kid


def head_from_row(row: TreeHeadRow) -> TreeHead:
    return TreeHead(row.tree_size, row.timestamp_ms, bytes(row.root_hash), bytes(row.signature))


def anchor_from_row(row: AnchorRow) -> Anchor:
    return Anchor(
        row.tree_size,
        bytes(row.root_hash),
        row.chain_id,
        row.contract_address,
        bytes(row.tx_hash),
        row.block_number,
    )


async def latest_head(session: AsyncSession) -> TreeHead | None:
    return await load_latest_head(await driver(session))


async def head_at(session: AsyncSession, tree_size: int) -> TreeHead | None:
    row = await session.get(TreeHeadRow, tree_size)
    return None if row is None else head_from_row(row)


async def entry_at(session: AsyncSession, index: int) -> tuple[LedgerEntry, bytes] | None:
    """The entry at ``index`` and its leaf hash, parsed from the stored canonical bytes."""
    row = await session.get(LedgerEntryRow, index)
    if row is None:
        return None
    return LedgerEntry.from_canonical_bytes(bytes(row.data)), bytes(row.leaf_hash)


async def inclusion_proof(session: AsyncSession, index: int, tree_size: int) -> list[bytes]:
    nodes = await load_nodes(await driver(session), nodes_for_inclusion(index, tree_size))
    return merkle.inclusion_proof(index, tree_size, merkle.hasher_from_nodes(nodes.__getitem__))


async def consistency_proof(session: AsyncSession, first: int, second: int) -> list[bytes]:
    nodes = await load_nodes(await driver(session), nodes_for_consistency(first, second))
    return merkle.consistency_proof(first, second, merkle.hasher_from_nodes(nodes.__getitem__))


async def bundle_anchor(session: AsyncSession, index: int, contract: str | None) -> Anchor | None:
    """The anchor to prove ``index`` against: the first on ``contract`` that covers the
    entry, else the latest one there (it then predates the entry), else ``None``."""
    if contract is None:
        return None
    on_contract = select(AnchorRow).where(AnchorRow.contract_address == contract.lower())
    covering = on_contract.where(AnchorRow.tree_size > index).order_by(AnchorRow.tree_size).limit(1)
    row = (await session.execute(covering)).scalar_one_or_none()
    if row is None:
        latest = on_contract.order_by(AnchorRow.tree_size.desc()).limit(1)
        row = (await session.execute(latest)).scalar_one_or_none()
    return None if row is None else anchor_from_row(row)


async def bundle(
    session: AsyncSession, index: int, public_keys: Mapping[str, str], contract: str | None
) -> dict[str, object] | None:
    """The verifier's bundle for entry ``index`` against the latest signed head, carrying
    the key that signed that head (``public_keys``: key id -> PEM); ``None`` when there is
    no such entry, ``UnknownSigningKey`` when the head's key is not in ``public_keys``."""
    signed = await load_latest_signed(await driver(session))
    found = await entry_at(session, index)
    if signed is None or found is None or index >= signed[0].tree_size:
        return None
    head, key_id = signed
    if key_id not in public_keys:
        raise UnknownSigningKey(key_id)
    entry, _ = found
    anchor = await bundle_anchor(session, index, contract)
    link: list[bytes] = []
    if anchor is not None:
        small, large = sorted((anchor.tree_size, head.tree_size))
        link = await consistency_proof(session, small, large)
    proof = await inclusion_proof(session, index, head.tree_size)
    return make_bundle(entry, proof, head, public_keys[key_id], anchor, link, key_id)
