"""An append-only Merkle tree kept as its perfect subtrees (one row per node), and the
in-memory implementation.

Why perfect subtrees: the node ``(level, position)`` covering leaves
``[position * 2**level, (position + 1) * 2**level)`` never changes once its last leaf is
appended. Storing them (``2n - 1`` rows for ``n`` leaves) answers every subtree hash with at
most ``log2 n`` lookups and no recomputation, for the current tree *and* every older size.

How a service with a database uses this (all functions are pure):

* append leaf ``i``: fetch the hashes of :func:`append_dependencies` ``(i)`` (at most
  ``log2 i`` rows), call :func:`nodes_completed_by_append`, insert the rows it returns;
* a proof: collect :func:`nodes_for_inclusion` / :func:`nodes_for_consistency` (one
  ``WHERE (level, position) IN (...)`` query), then call ``merkle.inclusion_proof`` /
  ``merkle.consistency_proof`` with ``merkle.hasher_from_nodes(rows.__getitem__)``.
"""

from __future__ import annotations

from collections.abc import Callable

from .merkle import (
    NodeId,
    SubtreeHasher,
    consistency_proof,
    consistency_ranges,
    hasher_from_nodes,
    inclusion_proof,
    inclusion_ranges,
    leaf_hash,
    node_hash,
    range_nodes,
    root_hash,
)


def append_dependencies(index: int) -> list[NodeId]:
    """The existing nodes needed to append leaf ``index`` (left siblings on its way up)."""
    deps: list[NodeId] = []
    level = 0
    while index >> level & 1:
        deps.append(NodeId(level, (index >> level) - 1))
        level += 1
    return deps


def nodes_completed_by_append(
    index: int, leaf: bytes, get_node: Callable[[NodeId], bytes]
) -> list[tuple[NodeId, bytes]]:
    """The nodes that become complete when leaf hash ``leaf`` is appended at ``index``,
    the leaf itself first (``get_node`` is asked only for :func:`append_dependencies`)."""
    out = [(NodeId(0, index), leaf)]
    h, level, i = leaf, 0, index
    while i & 1:
        h = node_hash(get_node(NodeId(level, i - 1)), h)
        level += 1
        i >>= 1
        out.append((NodeId(level, i), h))
    return out


def _nodes_for(ranges: list[tuple[int, int]]) -> set[NodeId]:
    return {node for a, b in ranges for node in range_nodes(a, b)}


def nodes_for_inclusion(index: int, size: int) -> set[NodeId]:
    return _nodes_for(inclusion_ranges(index, size))


def nodes_for_consistency(old_size: int, new_size: int) -> set[NodeId]:
    return _nodes_for(consistency_ranges(old_size, new_size))


def nodes_for_root(size: int) -> set[NodeId]:
    return set(range_nodes(0, size)) if size else set()


class MerkleTree:
    """In-memory append-only tree (embedded mode, tests, and the reference for stores)."""

    def __init__(self) -> None:
        self._nodes: dict[NodeId, bytes] = {}
        self._size = 0

    @property
    def size(self) -> int:
        return self._size

    def append(self, data: bytes) -> int:
        """Append raw leaf data (e.g. an entry's canonical bytes); returns its index."""
        return self.append_leaf_hash(leaf_hash(data))

    def append_leaf_hash(self, leaf: bytes) -> int:
        if len(leaf) != 32:
            raise ValueError("a leaf hash is 32 bytes")
        index = self._size
        for node, value in nodes_completed_by_append(index, leaf, self._nodes.__getitem__):
            self._nodes[node] = value
        self._size += 1
        return index

    def node(self, node: NodeId) -> bytes:
        return self._nodes[node]

    def leaf_hash(self, index: int) -> bytes:
        return self._nodes[NodeId(0, index)]

    def _check_size(self, size: int | None) -> int:
        size = self._size if size is None else size
        if not 0 <= size <= self._size:
            raise ValueError(f"tree has {self._size} leaves, not {size}")
        return size

    @property
    def subtree_hash(self) -> SubtreeHasher:
        return hasher_from_nodes(self._nodes.__getitem__)

    def root(self, size: int | None = None) -> bytes:
        return root_hash(self._check_size(size), self.subtree_hash)

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        return inclusion_proof(index, self._check_size(size), self.subtree_hash)

    def consistency_proof(self, old_size: int, new_size: int | None = None) -> list[bytes]:
        return consistency_proof(old_size, self._check_size(new_size), self.subtree_hash)
