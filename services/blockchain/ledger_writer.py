"""Appending to the ledger in PostgreSQL: one writer per database transaction.

``LedgerWriter.open`` takes a transaction-scoped advisory lock (``pg_advisory_xact_lock``),
so appends are serialised across every replica of the service: the next index is read
under the lock, each entry's row and the Merkle nodes it completes are inserted in the same
transaction as the balance changes and outbox events of the caller, and ``close`` signs a
tree head for the new size. A failure anywhere rolls all of it back, so indices stay
gapless and the tree never forks. The lock is released at commit or rollback.

Tree heads are issued per batch (each writer that appended signs one head at ``close``), so
the latest head always covers every committed entry and a proof is available at once.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from sqlalchemy import insert, select, text, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from pamtalk.db.outbox import add_event
from pamtalk.events.catalogue import LedgerRecorded
from services.blockchain.ledger.entry import EntryKind, LedgerEntry
from services.blockchain.ledger.merkle import NodeId, hasher_from_nodes, root_hash
from services.blockchain.ledger.tree import append_dependencies, nodes_completed_by_append, nodes_for_root
from services.blockchain.ledger.tree_head import TreeHead, TreeHeadSigner, key_id
from services.blockchain.models import LedgerEntryRow, MerkleNode, TreeHeadRow, outbox

PRODUCER = "blockchain"
LEDGER_LOCK = 0x50414D54_4C454447  # "PAMTLEDG": every append, every balance change
Clock = Callable[[], int]


def now_ms() -> int:
    return time.time_ns() // 1_000_000


async def load_nodes(session: AsyncSession, ids: Iterable[NodeId]) -> dict[NodeId, bytes]:
    wanted = list(set(ids))
    if not wanted:
        return {}
    rows = await session.execute(
        select(MerkleNode.level, MerkleNode.position, MerkleNode.hash).where(
            tuple_(MerkleNode.level, MerkleNode.position).in_([tuple(n) for n in wanted])
        )
    )
    return {NodeId(r.level, r.position): r.hash for r in rows}


async def ledger_size(session: AsyncSession) -> int:
    last = await session.scalar(select(LedgerEntryRow.index).order_by(LedgerEntryRow.index.desc()).limit(1))
    return 0 if last is None else last + 1


async def latest_head_row(session: AsyncSession) -> TreeHeadRow | None:
    query = select(TreeHeadRow).order_by(TreeHeadRow.tree_size.desc()).limit(1)
    return (await session.execute(query)).scalar_one_or_none()


async def reference_index(session: AsyncSession, reference: str) -> int | None:
    """The index of the entry recorded under ``reference``, if any."""
    query = select(LedgerEntryRow.index).where(LedgerEntryRow.reference == reference)
    index: int | None = await session.scalar(query)
    return index


class LedgerWriter:
    def __init__(self, session: AsyncSession, signer: TreeHeadSigner, clock: Clock, size: int) -> None:
        self.session, self._signer, self._clock = session, signer, clock
        self.size = size
        self.appended: list[LedgerEntry] = []
        self._signed_size = size
        self._nodes: dict[NodeId, bytes] = {}

    @classmethod
    async def open(cls, session: AsyncSession, signer: TreeHeadSigner, clock: Clock = now_ms) -> LedgerWriter:
        """Lock the ledger for the rest of ``session``'s transaction and read its size."""
        await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LEDGER_LOCK})
        return cls(session, signer, clock, await ledger_size(session))

    async def _node_lookup(self, ids: Iterable[NodeId]) -> Callable[[NodeId], bytes]:
        missing = [n for n in ids if n not in self._nodes]
        self._nodes.update(await load_nodes(self.session, missing))
        return self._nodes.__getitem__

    async def append(self, kind: EntryKind, reference: str, payload: Mapping[str, Any]) -> LedgerEntry:
        """Append one entry (validated and encoded before anything is written)."""
        entry = LedgerEntry(kind, self.size, self._clock(), reference, dict(payload))
        data = entry.canonical_bytes()
        leaf = entry.leaf_hash()
        get_node = await self._node_lookup(append_dependencies(entry.index))
        completed = nodes_completed_by_append(entry.index, leaf, get_node)
        await self.session.execute(
            insert(LedgerEntryRow).values(
                index=entry.index,
                kind=entry.kind.value,
                reference=reference,
                timestamp_ms=entry.timestamp_ms,
                data=data,
                leaf_hash=leaf,
            )
        )
        await self.session.execute(
            insert(MerkleNode),
            [{"level": n.level, "position": n.position, "hash": h} for n, h in completed],
        )
        self._nodes.update(completed)
        self.size += 1
        self.appended.append(entry)
        await add_event(
            self.session,
            outbox,
            LedgerRecorded(
                index=entry.index, kind=entry.kind.value, reference=reference, leaf_hash=leaf.hex()
            ),
            PRODUCER,
        )
        return entry

    async def close(self) -> TreeHead | None:
        """Sign and store a tree head for the new size (``None`` if nothing was appended)."""
        if self.size == self._signed_size:
            return None
        get_node = await self._node_lookup(nodes_for_root(self.size))
        root = root_hash(self.size, hasher_from_nodes(get_node))
        last = await latest_head_row(self.session)
        timestamp = max(self._clock(), last.timestamp_ms if last else 0)
        head = self._signer.sign(self.size, root, timestamp_ms=timestamp)
        await self.session.execute(
            insert(TreeHeadRow).values(
                tree_size=head.tree_size,
                timestamp_ms=head.timestamp_ms,
                root_hash=head.root_hash,
                signature=head.signature,
                key_id=key_id(self._signer.public_key),
            )
        )
        self._signed_size = self.size
        return head
