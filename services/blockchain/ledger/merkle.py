"""RFC 6962 / RFC 9162 Merkle tree hashing, inclusion and consistency proofs.

Self-contained (standard library only) so that a partner can copy the ``ledger``
package and verify proofs without PAM-TALK's code or database.

Hashes: ``leaf_hash(d) = SHA-256(0x00 || d)``, ``node_hash(l, r) = SHA-256(0x01 || l || r)``;
the hash of an empty tree is ``SHA-256("")``.

Proof *generation* never walks the whole tree: it asks a ``SubtreeHasher`` for the hashes of
the few ranges a proof needs (at most ~2 log2 n ranges). Every such range ``[start, end)`` is
"aligned" (``start`` is a multiple of the largest power of two <= ``end - start``), so its hash
is a fold of the *perfect* subtrees given by :func:`range_nodes`. Perfect subtrees never change
once complete, which is what lets a store keep them in a table (see ``ledger/tree.py``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from typing import NamedTuple

HASH_SIZE = 32
LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"
EMPTY_ROOT = hashlib.sha256(b"").digest()

SubtreeHasher = Callable[[int, int], bytes]
"""``(start, end) -> MTH(D[start:end])`` for an aligned range of leaves, ``start < end``."""


class NodeId(NamedTuple):
    """A perfect subtree: leaves ``[position * 2**level, (position + 1) * 2**level)``."""

    level: int
    position: int


class ProofError(ValueError):
    """A proof is malformed or does not lead to the expected hash."""


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(NODE_PREFIX + left + right).digest()


def _largest_power_of_two_below(n: int) -> int:
    """The largest power of two strictly smaller than ``n`` (``n >= 2``)."""
    return 1 << ((n - 1).bit_length() - 1)


def merkle_tree_hash(leaves: Sequence[bytes]) -> bytes:
    """MTH over raw leaf data (RFC 6962 section 2.1); the reference definition, O(n)."""
    return _mth([leaf_hash(d) for d in leaves])


def _mth(hashes: Sequence[bytes]) -> bytes:
    n = len(hashes)
    if n == 0:
        return EMPTY_ROOT
    if n == 1:
        return hashes[0]
    k = _largest_power_of_two_below(n)
    return node_hash(_mth(hashes[:k]), _mth(hashes[k:]))


def range_nodes(start: int, end: int) -> list[NodeId]:
    """The perfect subtrees that make up the aligned range ``[start, end)``, left to right.

    ``MTH(D[start:end])`` is the right fold ``node_hash(h0, node_hash(h1, ... hk))`` of their
    hashes. Raises ``ValueError`` for an empty or unaligned range.
    """
    if not 0 <= start < end:
        raise ValueError(f"empty or negative range [{start}, {end})")
    size = end - start
    if start % (1 << (size.bit_length() - 1)) != 0:
        raise ValueError(f"range [{start}, {end}) is not aligned")
    nodes: list[NodeId] = []
    for level in range(size.bit_length() - 1, -1, -1):
        if size >> level & 1:
            nodes.append(NodeId(level, start >> level))
            start += 1 << level
    return nodes


def fold_range(hashes: Sequence[bytes]) -> bytes:
    """Combine the hashes of :func:`range_nodes` (same order) into the range's tree hash."""
    if not hashes:
        raise ValueError("no hashes to fold")
    acc = hashes[-1]
    for h in reversed(hashes[:-1]):
        acc = node_hash(h, acc)
    return acc


def hasher_from_nodes(get_node: Callable[[NodeId], bytes]) -> SubtreeHasher:
    """A ``SubtreeHasher`` over a lookup of perfect-subtree hashes (a dict, a table...)."""

    def subtree(start: int, end: int) -> bytes:
        return fold_range([get_node(n) for n in range_nodes(start, end)])

    return subtree


def root_hash(size: int, subtree: SubtreeHasher) -> bytes:
    return EMPTY_ROOT if size == 0 else subtree(0, size)


# --- proof generation ---------------------------------------------------------------------


def inclusion_ranges(index: int, size: int) -> list[tuple[int, int]]:
    """The leaf ranges whose hashes form the audit path of leaf ``index`` in a tree of ``size``.

    RFC 6962 section 2.1.1 (PATH), bottom-up order as in the RFC's proof.
    """
    if not 0 <= index < size:
        raise ValueError(f"leaf index {index} outside tree of size {size}")
    ranges: list[tuple[int, int]] = []
    lo, hi = 0, size
    while hi - lo > 1:
        k = _largest_power_of_two_below(hi - lo)
        if index < lo + k:
            ranges.append((lo + k, hi))
            hi = lo + k
        else:
            ranges.append((lo, lo + k))
            lo += k
    ranges.reverse()
    return ranges


def consistency_ranges(old_size: int, new_size: int) -> list[tuple[int, int]]:
    """The leaf ranges whose hashes form the consistency proof ``old_size -> new_size``.

    RFC 6962 section 2.1.2 (SUBPROOF), in the RFC's order. Empty when ``old_size`` is 0 or
    equals ``new_size``.
    """
    if not 0 <= old_size <= new_size:
        raise ValueError(f"cannot prove consistency from size {old_size} to {new_size}")
    if old_size in (0, new_size):
        return []
    ranges: list[tuple[int, int]] = []
    lo, hi, m, complete = 0, new_size, old_size, True
    while m != hi - lo:
        k = _largest_power_of_two_below(hi - lo)
        if m <= k:
            ranges.append((lo + k, hi))
            hi = lo + k
        else:
            ranges.append((lo, lo + k))
            lo += k
            m -= k
            complete = False
    if not complete:
        ranges.append((lo, hi))
    ranges.reverse()
    return ranges


def inclusion_proof(index: int, size: int, subtree: SubtreeHasher) -> list[bytes]:
    return [subtree(a, b) for a, b in inclusion_ranges(index, size)]


def consistency_proof(old_size: int, new_size: int, subtree: SubtreeHasher) -> list[bytes]:
    return [subtree(a, b) for a, b in consistency_ranges(old_size, new_size)]


# --- proof verification (RFC 9162 sections 2.1.3.2 and 2.1.4.2) ----------------------------


def _check_hashes(*hashes: bytes) -> None:
    for h in hashes:
        if not isinstance(h, bytes | bytearray) or len(h) != HASH_SIZE:
            raise ProofError("every hash must be 32 bytes")


def root_from_inclusion_proof(index: int, size: int, leaf: bytes, proof: Sequence[bytes]) -> bytes:
    """The root implied by ``leaf`` (a leaf hash) at ``index`` and its audit path."""
    _check_hashes(leaf, *proof)
    if not 0 <= index < size:
        raise ProofError(f"leaf index {index} outside tree of size {size}")
    fn, sn, r = index, size - 1, bytes(leaf)
    for p in proof:
        if sn == 0:
            raise ProofError("inclusion proof is too long")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("inclusion proof is too short")
    return r


def verify_inclusion(index: int, size: int, leaf: bytes, proof: Sequence[bytes], root: bytes) -> None:
    """Raise ``ProofError`` unless ``leaf`` (a leaf hash) is at ``index`` under ``root``."""
    _check_hashes(root)
    if root_from_inclusion_proof(index, size, leaf, proof) != root:
        raise ProofError("inclusion proof does not lead to the tree root")


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> None:
    """Raise ``ProofError`` unless the tree ``old_root`` (size ``old_size``) is a prefix of
    the tree ``new_root`` (size ``new_size``)."""
    _check_hashes(old_root, new_root, *proof)
    if not 0 <= old_size <= new_size:
        raise ProofError(f"cannot prove consistency from size {old_size} to {new_size}")
    if old_size == 0 or old_size == new_size:
        if proof:
            raise ProofError("consistency proof must be empty for these sizes")
        if old_size == 0 and old_root != EMPTY_ROOT:
            raise ProofError("the root of an empty tree is SHA-256 of nothing")
        if old_size == new_size and old_root != new_root:
            raise ProofError("trees of the same size have different roots")
        return
    if not proof:
        raise ProofError("consistency proof is empty")
    path = list(proof)
    if old_size & (old_size - 1) == 0:  # an exact power of two: the old root is a node
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise ProofError("consistency proof is too long")
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("consistency proof is too short")
    if fr != old_root:
        raise ProofError("consistency proof does not lead to the old root")
    if sr != new_root:
        raise ProofError("consistency proof does not lead to the new root")
