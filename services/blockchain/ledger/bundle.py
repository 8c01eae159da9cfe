"""The verification bundle: one JSON document proving that an entry is in the ledger.

Format (see ``docs/ledger-verification.md``)::

    {
      "entry": {"v": 1, "kind": ..., "index": ..., "timestamp": ..., "reference": ..., "payload": {...}},
      "inclusion_proof": {"leaf_index": int, "tree_size": int, "hashes": [hex, ...]},
      "tree_head": {"tree_size": int, "timestamp": int, "root_hash": hex, "signature": base64},
      "public_key": "PEM or base64 of the raw Ed25519 key",          (optional if pinned)
      "key_id": "hex SHA-256 of the raw key that signed tree_head",   (optional)
      "anchor": {"tree_size", "root_hash", "chain_id", "contract_address", "tx_hash",
                 "block_number", "consistency_proof": [hex, ...]}     (optional)
    }

``anchor.consistency_proof`` links the anchored tree and the signed tree head (from the
smaller to the larger of the two sizes). ``key_id`` names the key the head was signed
with, so a verifier holding another key (e.g. the current one after a key rotation) is told
which key it needs rather than only that the signature fails.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from .anchor import Anchor, AnchorCheckError, RpcCall, check_anchor_on_chain
from .entry import EntryError, LedgerEntry
from .merkle import ProofError, verify_consistency, verify_inclusion
from .tree_head import TreeHead, TreeHeadError, key_id, load_public_key, parse_hash, verify_tree_head


@dataclass(frozen=True)
class Verdict:
    valid: bool
    reason: str
    details: list[str] = field(default_factory=list)


def make_bundle(
    entry: LedgerEntry,
    inclusion_proof: Sequence[bytes],
    tree_head: TreeHead,
    public_key: str,
    anchor: Anchor | None = None,
    anchor_consistency_proof: Sequence[bytes] = (),
    head_key_id: str | None = None,
) -> dict[str, Any]:
    """The bundle a service hands out (``public_key`` as PEM or raw base64, ``head_key_id``
    the id of that key: the key that signed ``tree_head``)."""
    bundle: dict[str, Any] = {
        "entry": entry.to_json_obj(),
        "inclusion_proof": {
            "leaf_index": entry.index,
            "tree_size": tree_head.tree_size,
            "hashes": [h.hex() for h in inclusion_proof],
        },
        "tree_head": tree_head.to_json_obj(),
        "public_key": public_key,
    }
    if head_key_id is not None:
        bundle["key_id"] = head_key_id
    if anchor is not None:
        bundle["anchor"] = {
            **anchor.to_json_obj(),
            "consistency_proof": [h.hex() for h in anchor_consistency_proof],
        }
    return bundle


def _hash_list(value: Any, what: str) -> list[bytes]:
    if not isinstance(value, list):
        raise ProofError(f"{what} must be a list of hex hashes")
    try:
        return [parse_hash(h, what) for h in value]
    except TreeHeadError as exc:
        raise ProofError(str(exc)) from exc


def _int(value: Any, what: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ProofError(f"{what} must be a non-negative integer")
    return value


def _utc(ms: int) -> str:
    return dt.datetime.fromtimestamp(ms / 1000, tz=dt.UTC).isoformat(timespec="seconds")


def _check(
    bundle: Any,
    public_key: Ed25519PublicKey | None,
    rpc: RpcCall | None,
    contract: str | None,
    min_confirmations: int,
) -> list[str]:
    if not isinstance(bundle, Mapping):
        raise ProofError("the bundle must be a JSON object")
    entry = LedgerEntry.from_json_obj(bundle.get("entry"))
    proof = bundle.get("inclusion_proof")
    if not isinstance(proof, Mapping) or set(proof) != {"leaf_index", "tree_size", "hashes"}:
        raise ProofError("inclusion_proof must be {leaf_index, tree_size, hashes}")
    head = TreeHead.from_json_obj(bundle.get("tree_head"))
    key_source = "pinned key"
    if public_key is None:
        if "public_key" not in bundle:
            raise TreeHeadError("no public key: pin one or include public_key")
        public_key, key_source = load_public_key(bundle["public_key"]), "key from the bundle"
    leaf_index, size = _int(proof["leaf_index"], "leaf_index"), _int(proof["tree_size"], "tree_size")
    if leaf_index != entry.index:
        raise ProofError(f"the proof is for leaf {leaf_index} but the entry says index {entry.index}")
    if size != head.tree_size:
        raise ProofError(f"the proof is for tree size {size} but the tree head has {head.tree_size}")

    signed_by = bundle.get("key_id")
    if signed_by is not None and signed_by != key_id(public_key):
        raise TreeHeadError(
            f"the tree head is signed by key {signed_by}, not by the key given "
            f"({key_id(public_key)}, {key_source}): get key {signed_by} from the ledger's public keys"
        )
    verify_tree_head(head, public_key)
    verify_inclusion(
        leaf_index, size, entry.leaf_hash(), _hash_list(proof["hashes"], "hashes"), head.root_hash
    )
    details = [
        f"entry: #{entry.index} {entry.kind.value} reference={entry.reference} at {_utc(entry.timestamp_ms)}",
        f"tree head: size {head.tree_size}, root {head.root_hash.hex()}, at {_utc(head.timestamp_ms)}",
        f"signed by: {key_id(public_key)} ({key_source})",
    ]
    raw_anchor = bundle.get("anchor")
    if rpc is None:
        if raw_anchor is not None:
            details.append("anchor: present, not checked (use --anchor --rpc URL)")
        return details
    if not isinstance(raw_anchor, Mapping):
        raise AnchorCheckError("an anchor check was asked for but the bundle has no anchor")
    anchor = Anchor.from_json_obj({k: v for k, v in raw_anchor.items() if k != "consistency_proof"})
    link = _hash_list(raw_anchor.get("consistency_proof", []), "anchor consistency_proof")
    if anchor.tree_size <= head.tree_size:
        verify_consistency(anchor.tree_size, head.tree_size, anchor.root_hash, head.root_hash, link)
    else:
        verify_consistency(head.tree_size, anchor.tree_size, head.root_hash, anchor.root_hash, link)
    confirmed = check_anchor_on_chain(anchor, rpc, contract=contract, min_confirmations=min_confirmations)
    covered = "covers this entry" if entry.index < anchor.tree_size else "predates this entry"
    details.append(
        f"anchor: tree size {anchor.tree_size} on chain {anchor.chain_id}, "
        f"contract {anchor.contract_address}, tx 0x{anchor.tx_hash.hex()}, block {anchor.block_number} "
        f"at {_utc(confirmed.block_timestamp * 1000)}, {confirmed.confirmations} confirmations; "
        f"consistent with the tree head; {covered}"
    )
    return details


def verify_bundle(
    bundle: Any,
    *,
    public_key: Ed25519PublicKey | None = None,
    rpc: RpcCall | None = None,
    contract: str | None = None,
    min_confirmations: int = 1,
) -> Verdict:
    """Check a bundle; with ``rpc``, also check its anchor on that chain. Never raises for
    bad input: the verdict says what is wrong."""
    try:
        details = _check(bundle, public_key, rpc, contract, min_confirmations)
    except (EntryError, ProofError, TreeHeadError, AnchorCheckError) as exc:
        return Verdict(False, str(exc))
    except (TypeError, KeyError, AttributeError, ValueError) as exc:  # e.g. a garbled node reply
        return Verdict(False, f"malformed input: {exc!r}")
    except OSError as exc:  # the node could not be reached: nothing was shown either way
        return Verdict(False, f"could not check the anchor, chain node unreachable: {exc}")
    return Verdict(True, "the entry is in the signed ledger", details)
