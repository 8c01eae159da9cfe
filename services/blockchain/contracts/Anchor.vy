# pragma version 0.4.3
# pragma evm-version cancun
"""
@title PAM-TALK ledger anchor
@notice Stores the Merkle root (RFC 6962 tree hash) of the PAM-TALK ledger at a
        given tree size. Only the owner writes; anyone reads. A root, once
        stored for a tree size, can never be changed (re-sending the same root
        is a no-op, so a retried transaction is harmless).
"""

event Anchored:
    tree_size: indexed(uint256)
    root: bytes32

event OwnershipTransferred:
    previous_owner: indexed(address)
    new_owner: indexed(address)

owner: public(address)
latest_tree_size: public(uint256)
_roots: HashMap[uint256, bytes32]


@deploy
def __init__():
    self.owner = msg.sender


@external
def anchor(tree_size: uint256, root: bytes32):
    """
    @notice Record `root` as the tree hash of the first `tree_size` entries.
    """
    assert msg.sender == self.owner, "not owner"
    assert tree_size > 0, "empty tree"
    assert root != empty(bytes32), "empty root"
    stored: bytes32 = self._roots[tree_size]
    if stored == root:
        return
    assert stored == empty(bytes32), "conflicting root"
    self._roots[tree_size] = root
    if tree_size > self.latest_tree_size:
        self.latest_tree_size = tree_size
    log Anchored(tree_size=tree_size, root=root)


@view
@external
def root_at(tree_size: uint256) -> bytes32:
    """
    @notice The anchored root for `tree_size`, or 32 zero bytes if none.
    """
    return self._roots[tree_size]


@external
def transfer_ownership(new_owner: address):
    assert msg.sender == self.owner, "not owner"
    assert new_owner != empty(address), "zero owner"
    log OwnershipTransferred(previous_owner=self.owner, new_owner=new_owner)
    self.owner = new_owner
