"""Anchors (a tree root written to an Ethereum-compatible chain) and their on-chain check.

The check speaks plain Ethereum JSON-RPC through any ``RpcCall`` (``http_rpc`` for a URL),
so a verifier needs neither web3.py nor PAM-TALK: it asks a node *it* chooses for

1. ``eth_chainId``: the chain is the one the anchor names;
2. ``eth_getTransactionReceipt``: the transaction succeeded in the named block, was sent to
   the anchor contract, and emitted ``Anchored(tree_size, root)`` from it;
3. ``eth_call root_at(tree_size)``: the contract holds that root now;
4. ``eth_blockNumber`` / ``eth_getBlockByNumber``: confirmations and the block's time.

The selector and event topic below are the Keccak-256 hashes of the signatures in
``contracts/Anchor.vy`` (a test recomputes them from the compiled ABI).
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .tree_head import TreeHeadError, parse_hash

ROOT_AT_SELECTOR = "698d3579"  # root_at(uint256)
ANCHORED_TOPIC = (
    "2946f6d79e30b36612401c9600819a1e622cf156a41e314844f4d582f06d242a"  # Anchored(uint256,bytes32)
)

RpcCall = Callable[[str, list[Any]], Any]
"""``(method, params) -> result`` of one JSON-RPC call; raises on transport or RPC errors."""


class AnchorCheckError(ValueError):
    """The anchor is malformed or the chain does not confirm it."""


def _uint(value: Any, what: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise AnchorCheckError(f"anchor {what} must be a non-negative integer")
    return value


def _address(value: Any) -> str:
    if not isinstance(value, str) or len(value) != 42 or value[:2] != "0x":
        raise AnchorCheckError("anchor contract_address must be a 0x-prefixed 20-byte hex address")
    try:
        bytes.fromhex(value[2:])
    except ValueError as exc:
        raise AnchorCheckError("anchor contract_address is not hex") from exc
    return value.lower()


@dataclass(frozen=True)
class Anchor:
    tree_size: int
    root_hash: bytes
    chain_id: int
    contract_address: str  # lower-case 0x hex
    tx_hash: bytes
    block_number: int

    def to_json_obj(self) -> dict[str, Any]:
        return {
            "tree_size": self.tree_size,
            "root_hash": self.root_hash.hex(),
            "chain_id": self.chain_id,
            "contract_address": self.contract_address,
            "tx_hash": "0x" + self.tx_hash.hex(),
            "block_number": self.block_number,
        }

    @classmethod
    def from_json_obj(cls, obj: Any) -> Anchor:
        if not isinstance(obj, Mapping):
            raise AnchorCheckError("an anchor is a JSON object")
        try:
            return cls(
                tree_size=_uint(obj.get("tree_size"), "tree_size"),
                root_hash=parse_hash(obj.get("root_hash"), "anchor root_hash"),
                chain_id=_uint(obj.get("chain_id"), "chain_id"),
                contract_address=_address(obj.get("contract_address")),
                tx_hash=parse_hash(obj.get("tx_hash"), "anchor tx_hash"),
                block_number=_uint(obj.get("block_number"), "block_number"),
            )
        except TreeHeadError as exc:
            raise AnchorCheckError(str(exc)) from exc


@dataclass(frozen=True)
class ChainConfirmation:
    block_timestamp: int  # seconds since the Unix epoch
    confirmations: int


def _quantity(value: Any, what: str) -> int:
    """A JSON-RPC quantity (``"0x1a"``); plain integers are accepted too."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value[:2] == "0x":
        try:
            return int(value, 16)
        except ValueError:
            pass
    raise AnchorCheckError(f"the node returned a malformed {what}: {value!r}")


def _hex32(value: int | bytes) -> str:
    raw = value.to_bytes(32, "big") if isinstance(value, int) else value
    return "0x" + raw.hex()


def check_anchor_on_chain(
    anchor: Anchor, rpc: RpcCall, *, contract: str | None = None, min_confirmations: int = 1
) -> ChainConfirmation:
    """Raise ``AnchorCheckError`` unless the chain behind ``rpc`` confirms ``anchor``.

    ``contract`` pins the anchor contract's address (as PAM-TALK publishes it); without it
    the address in the anchor is used.
    """
    address = anchor.contract_address if contract is None else _address(contract)
    if address != anchor.contract_address:
        raise AnchorCheckError(f"anchor names contract {anchor.contract_address}, expected {address}")
    chain_id = _quantity(rpc("eth_chainId", []), "chain id")
    if chain_id != anchor.chain_id:
        raise AnchorCheckError(f"the node is on chain {chain_id}, the anchor names chain {anchor.chain_id}")

    receipt = rpc("eth_getTransactionReceipt", [_hex32(anchor.tx_hash)])
    if not isinstance(receipt, Mapping):
        raise AnchorCheckError("the anchor transaction is not on this chain")
    if _quantity(receipt.get("status"), "status") != 1:
        raise AnchorCheckError("the anchor transaction failed")
    if _quantity(receipt.get("blockNumber"), "block number") != anchor.block_number:
        raise AnchorCheckError("the anchor transaction is in another block")
    if str(receipt.get("to", "")).lower() != address:
        raise AnchorCheckError("the anchor transaction was not sent to the anchor contract")
    wanted_topics = [_hex32(bytes.fromhex(ANCHORED_TOPIC)), _hex32(anchor.tree_size)]
    if not any(
        str(log.get("address", "")).lower() == address
        and [str(t).lower() for t in log.get("topics", [])] == wanted_topics
        and str(log.get("data", "")).lower() == _hex32(anchor.root_hash)
        for log in receipt.get("logs", [])
        if isinstance(log, Mapping)
    ):
        raise AnchorCheckError("the anchor transaction did not log this tree size and root")

    call = {"to": address, "data": "0x" + ROOT_AT_SELECTOR + _hex32(anchor.tree_size)[2:]}
    stored = rpc("eth_call", [call, "latest"])
    if not isinstance(stored, str) or stored.lower() != _hex32(anchor.root_hash):
        raise AnchorCheckError(f"the contract holds another root for tree size {anchor.tree_size}")

    head = _quantity(rpc("eth_blockNumber", []), "block number")
    confirmations = head - anchor.block_number + 1
    if confirmations < min_confirmations:
        raise AnchorCheckError(f"only {confirmations} confirmations, {min_confirmations} required")
    block = rpc("eth_getBlockByNumber", [hex(anchor.block_number), False])
    timestamp = _quantity(block.get("timestamp") if isinstance(block, Mapping) else None, "timestamp")
    return ChainConfirmation(block_timestamp=timestamp, confirmations=confirmations)


def http_rpc(url: str, timeout: float = 15.0) -> RpcCall:
    """An ``RpcCall`` over HTTP(S) POST with the standard library only."""
    counter = iter(range(1, 1 << 62))

    def call(method: str, params: list[Any]) -> Any:
        body = json.dumps({"jsonrpc": "2.0", "id": next(counter), "method": method, "params": params})
        request = urllib.request.Request(
            url, data=body.encode("utf-8"), headers={"Content-Type": "application/json"}, method="POST"
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:  # the URL is the user's own
            reply = json.loads(response.read().decode("utf-8"))
        if not isinstance(reply, Mapping):
            raise AnchorCheckError(f"the node gave a malformed reply to {method}")
        if reply.get("error") is not None:
            raise AnchorCheckError(f"the node refused {method}: {reply['error']}")
        return reply.get("result")

    return call
