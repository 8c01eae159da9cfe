"""RFC 6962 Merkle tree: known vectors, the RFC's recursive definitions, property tests."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.blockchain.ledger.merkle import (
    EMPTY_ROOT,
    ProofError,
    leaf_hash,
    merkle_tree_hash,
    node_hash,
    range_nodes,
    verify_consistency,
    verify_inclusion,
)
from services.blockchain.ledger.tree import MerkleTree, append_dependencies

# Inputs and roots of the Certificate Transparency reference test vectors.
CT_LEAVES = [
    b"",
    b"\x00",
    b"\x10",
    b"\x20\x21",
    b"\x30\x31",
    b"\x40\x41\x42\x43",
    bytes(range(0x50, 0x58)),
    bytes(range(0x60, 0x70)),
]
CT_ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]


def _largest_pow2_below(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def ref_path(m: int, d: list[bytes]) -> list[bytes]:
    """PATH(m, D[n]) exactly as RFC 6962 section 2.1.1 writes it."""
    if len(d) == 1:
        return []
    k = _largest_pow2_below(len(d))
    if m < k:
        return [*ref_path(m, d[:k]), merkle_tree_hash(d[k:])]
    return [*ref_path(m - k, d[k:]), merkle_tree_hash(d[:k])]


def ref_subproof(m: int, d: list[bytes], b: bool) -> list[bytes]:
    """SUBPROOF(m, D[n], b) exactly as RFC 6962 section 2.1.2 writes it."""
    if m == len(d):
        return [] if b else [merkle_tree_hash(d)]
    k = _largest_pow2_below(len(d))
    if m <= k:
        return [*ref_subproof(m, d[:k], b), merkle_tree_hash(d[k:])]
    return [*ref_subproof(m - k, d[k:], False), merkle_tree_hash(d[:k])]


def build(n: int) -> tuple[MerkleTree, list[bytes]]:
    data = [b"entry-%d" % i for i in range(n)]
    tree = MerkleTree()
    for d in data:
        tree.append(d)
    return tree, data


def flip(b: bytes, pos: int, mask: int = 0x01) -> bytes:
    return b[:pos] + bytes([b[pos] ^ mask]) + b[pos + 1 :]


def test_hash_prefixes_and_empty_tree() -> None:
    assert leaf_hash(b"") == bytes.fromhex(CT_ROOTS[0])
    assert node_hash(b"a" * 32, b"b" * 32) != leaf_hash(b"a" * 32 + b"b" * 32)
    assert merkle_tree_hash([]) == EMPTY_ROOT == MerkleTree().root()


@pytest.mark.parametrize("n", range(1, 9))
def test_certificate_transparency_vectors(n: int) -> None:
    tree = MerkleTree()
    for d in CT_LEAVES[:n]:
        tree.append(d)
    assert tree.root().hex() == CT_ROOTS[n - 1] == merkle_tree_hash(CT_LEAVES[:n]).hex()


def test_proofs_equal_the_rfc_recursive_definitions() -> None:
    tree, data = build(40)
    for n in range(1, 41):
        for m in range(n):
            assert tree.inclusion_proof(m, n) == ref_path(m, data[:n])
        for m in range(1, n):
            assert tree.consistency_proof(m, n) == ref_subproof(m, data[:n], True)
        assert tree.root(n) == merkle_tree_hash(data[:n])


def test_range_nodes_rejects_unaligned_ranges() -> None:
    assert range_nodes(8, 13) == [(2, 2), (0, 12)]
    with pytest.raises(ValueError):
        range_nodes(3, 7)
    with pytest.raises(ValueError):
        range_nodes(4, 4)
    assert append_dependencies(7) == [(0, 6), (1, 2), (2, 0)]
    assert append_dependencies(8) == []


@settings(max_examples=25, deadline=None)
@given(n=st.integers(1, 300))
def test_every_inclusion_proof_verifies(n: int) -> None:
    tree, data = build(n)
    root = tree.root()
    for i, d in enumerate(data):
        verify_inclusion(i, n, leaf_hash(d), tree.inclusion_proof(i), root)


@settings(max_examples=25, deadline=None)
@given(n=st.integers(1, 300))
def test_every_consistency_proof_verifies(n: int) -> None:
    tree, _ = build(n)
    new_root = tree.root()
    for m in range(n + 1):
        verify_consistency(m, n, tree.root(m), new_root, tree.consistency_proof(m))


@settings(max_examples=200, deadline=None)
@given(n=st.integers(1, 300), data=st.data())
def test_flipped_byte_breaks_inclusion(n: int, data: st.DataObject) -> None:
    tree, leaves = build(n)
    i = data.draw(st.integers(0, n - 1))
    leaf, proof, root = leaf_hash(leaves[i]), tree.inclusion_proof(i), tree.root()
    target = data.draw(st.integers(0, len(proof) + 1))  # a proof element, the leaf or the root
    pos, mask = data.draw(st.integers(0, 31)), data.draw(st.integers(1, 255))
    if target < len(proof):
        proof[target] = flip(proof[target], pos, mask)
    elif target == len(proof):
        leaf = flip(leaf, pos, mask)
    else:
        root = flip(root, pos, mask)
    with pytest.raises(ProofError):
        verify_inclusion(i, n, leaf, proof, root)


@settings(max_examples=200, deadline=None)
@given(n=st.integers(2, 300), data=st.data())
def test_flipped_byte_breaks_consistency(n: int, data: st.DataObject) -> None:
    tree, _ = build(n)
    m = data.draw(st.integers(1, n - 1))
    proof, old, new = tree.consistency_proof(m), tree.root(m), tree.root()
    target = data.draw(st.integers(0, len(proof) + 1))
    pos, mask = data.draw(st.integers(0, 31)), data.draw(st.integers(1, 255))
    if target < len(proof):
        proof[target] = flip(proof[target], pos, mask)
    elif target == len(proof):
        old = flip(old, pos, mask)
    else:
        new = flip(new, pos, mask)
    with pytest.raises(ProofError):
        verify_consistency(m, n, old, new, proof)


def test_wrong_index_size_or_shape_is_rejected() -> None:
    tree, data = build(11)
    proof, root = tree.inclusion_proof(5), tree.root()
    leaf = leaf_hash(data[5])
    verify_inclusion(5, 11, leaf, proof, root)
    # Sizes 11 and 12 give leaf 5 the same path shape: the size is bound by the signed head.
    verify_inclusion(5, 12, leaf, proof, root)
    for index, size, p in [
        (4, 11, proof),  # claimed at another position
        (5, 20, proof),  # claimed in a tree of another shape
        (5, 11, proof[:-1]),  # truncated
        (5, 11, [*proof, root]),  # padded
        (11, 11, proof),  # outside the tree
        (5, 11, [*proof[:-1], proof[-1][:31]]),  # a short hash
    ]:
        with pytest.raises(ProofError):
            verify_inclusion(index, size, leaf, p, root)
    cproof = tree.consistency_proof(6)
    for old_size, new_size, p in [(6, 11, cproof[:-1]), (6, 11, []), (7, 11, cproof), (12, 11, [])]:
        with pytest.raises(ProofError):
            verify_consistency(old_size, new_size, tree.root(6), root, p)
    with pytest.raises(ProofError):  # same size, different roots
        verify_consistency(11, 11, tree.root(10), root, [])
    with pytest.raises(ValueError):
        tree.inclusion_proof(0, 12)  # the tree is not that big yet
