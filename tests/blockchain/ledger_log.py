"""An in-memory append-only ledger for the tests: entries, their Merkle tree and signed tree
heads.

The reference composition of the pure parts of ``services/blockchain/ledger``; the service
does the same with tables (``append.py`` and ``store/ledger.py``: entries, the
``merkle_nodes(level, position, hash)`` that ``ledger.tree.nodes_completed_by_append``
gives, tree heads; anchors in ``store/anchors.py``).

Tree heads are issued as the tree grows: :meth:`LedgerLog.sign_head` signs a new head when
entries were appended since the last one and otherwise returns the latest head, so callers
may call it after every append or batch. Heads never shrink and timestamps never go back.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

from services.blockchain.ledger.anchor import Anchor
from services.blockchain.ledger.bundle import make_bundle
from services.blockchain.ledger.entry import EntryKind, LedgerEntry
from services.blockchain.ledger.tree import MerkleTree
from services.blockchain.ledger.tree_head import TreeHead, TreeHeadSigner, public_key_pem


def _now_ms() -> int:
    return time.time_ns() // 1_000_000


class LedgerLog:
    def __init__(self, signer: TreeHeadSigner, clock: Callable[[], int] = _now_ms) -> None:
        self._signer, self._clock = signer, clock
        self._tree = MerkleTree()
        self._entries: list[LedgerEntry] = []
        self._heads: list[TreeHead] = []

    @property
    def size(self) -> int:
        return self._tree.size

    def append(
        self,
        kind: EntryKind | str,
        reference: str,
        payload: Mapping[str, Any],
        timestamp_ms: int | None = None,
    ) -> LedgerEntry:
        """Append an entry (its index is the next leaf index) and return it."""
        entry = LedgerEntry(
            kind=EntryKind(kind),
            index=self._tree.size,
            timestamp_ms=self._clock() if timestamp_ms is None else timestamp_ms,
            reference=reference,
            payload=dict(payload),
        )
        self._tree.append(entry.canonical_bytes())  # validates before anything is stored
        self._entries.append(entry)
        return entry

    def entry(self, index: int) -> LedgerEntry:
        return self._entries[index]

    @property
    def latest_head(self) -> TreeHead | None:
        return self._heads[-1] if self._heads else None

    def sign_head(self) -> TreeHead:
        """A head for the current size: new if the tree grew, else the latest one."""
        last = self.latest_head
        if last is not None and last.tree_size == self.size:
            return last
        timestamp = max(self._clock(), last.timestamp_ms if last else 0)
        head = self._signer.sign(self.size, self._tree.root(), timestamp_ms=timestamp)
        self._heads.append(head)
        return head

    def head_at(self, tree_size: int) -> TreeHead:
        """The signed head issued for ``tree_size`` (``KeyError`` if none was)."""
        for head in self._heads:
            if head.tree_size == tree_size:
                return head
        raise KeyError(tree_size)

    def consistency_proof(self, old_size: int, new_size: int | None = None) -> list[bytes]:
        return self._tree.consistency_proof(old_size, new_size)

    def root(self, size: int | None = None) -> bytes:
        return self._tree.root(size)

    def bundle(
        self, index: int, head: TreeHead | None = None, anchor: Anchor | None = None
    ) -> dict[str, Any]:
        """The verification bundle for entry ``index`` against ``head`` (default: latest)."""
        head = head or self.latest_head
        if head is None or index >= head.tree_size:
            raise ValueError(f"entry {index} is not covered by a signed tree head yet")
        link: list[bytes] = []
        if anchor is not None:
            small, large = sorted((anchor.tree_size, head.tree_size))
            link = self._tree.consistency_proof(small, large)
        return make_bundle(
            self._entries[index],
            self._tree.inclusion_proof(index, head.tree_size),
            head,
            public_key_pem(self._signer.public_key),
            anchor,
            link,
        )
