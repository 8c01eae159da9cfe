"""Appending to the ledger: one writer per database transaction.

``LedgerWriter.open`` takes the ledger lock (``pg_advisory_xact_lock``, ``store.ledger.lock``),
so appends are serialised across every replica of the service: the next index is read under
the lock, each entry's row and the Merkle nodes it completes are inserted in the same
transaction as the caller's balance changes and events, and ``close`` signs a tree head for
the new size. A failure anywhere rolls all of it back, so indices stay gapless and the tree
never forks. The lock is released at commit or rollback.

Tree heads are issued per batch (each writer that appended signs one head at ``close``), so
the latest head always covers every committed entry and a proof is available at once.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from pamtalk.db.tx import Tx
from pamtalk.events.catalogue import LedgerRecorded
from services.blockchain.ledger.entry import EntryKind, LedgerEntry
from services.blockchain.ledger.merkle import NodeId, hasher_from_nodes, root_hash
from services.blockchain.ledger.tree import append_dependencies, nodes_completed_by_append, nodes_for_root
from services.blockchain.ledger.tree_head import TreeHead, TreeHeadSigner, key_id
from services.blockchain.store import ledger as store

Clock = Callable[[], int]  # milliseconds since the Unix epoch


def now_ms() -> int:
    return time.time_ns() // 1_000_000


class LedgerWriter:
    def __init__(self, tx: Tx, signer: TreeHeadSigner, clock: Clock, size: int) -> None:
        self.tx, self._signer, self._clock = tx, signer, clock
        self.size = size
        self.appended: list[LedgerEntry] = []
        self._signed_size = size
        self._nodes: dict[NodeId, bytes] = {}

    @classmethod
    async def open(cls, tx: Tx, signer: TreeHeadSigner, clock: Clock = now_ms) -> LedgerWriter:
        """Lock the ledger for the rest of ``tx`` and read its size."""
        await store.lock(tx)
        return cls(tx, signer, clock, await store.size(tx))

    async def _node_lookup(self, ids: Iterable[NodeId]) -> Callable[[NodeId], bytes]:
        missing = [n for n in ids if n not in self._nodes]
        self._nodes.update(await store.nodes(self.tx, missing))
        return self._nodes.__getitem__

    async def append(self, kind: EntryKind, reference: str, payload: Mapping[str, Any]) -> LedgerEntry:
        """Append one entry (validated and encoded before anything is written) and announce it."""
        entry = LedgerEntry(kind, self.size, self._clock(), reference, dict(payload))
        data = entry.canonical_bytes()
        leaf = entry.leaf_hash()
        get_node = await self._node_lookup(append_dependencies(entry.index))
        completed = nodes_completed_by_append(entry.index, leaf, get_node)
        await store.append(
            self.tx, entry.index, entry.kind.value, reference, entry.timestamp_ms, data, leaf, completed
        )
        self._nodes.update(completed)
        self.size += 1
        self.appended.append(entry)
        await self.tx.add_event(
            LedgerRecorded(
                index=entry.index, kind=entry.kind.value, reference=reference, leaf_hash=leaf.hex()
            )
        )
        return entry

    async def close(self) -> TreeHead | None:
        """Sign and store a tree head for the new size (``None`` if nothing was appended)."""
        if self.size == self._signed_size:
            return None
        get_node = await self._node_lookup(nodes_for_root(self.size))
        root = root_hash(self.size, hasher_from_nodes(get_node))
        last = await store.latest_head(self.tx)
        timestamp = max(self._clock(), last.timestamp_ms if last else 0)
        head = self._signer.sign(self.size, root, timestamp_ms=timestamp)
        await store.insert_head(self.tx, head, key_id(self._signer.public_key))
        self._signed_size = self.size
        return head
