"""A read-only JSON-RPC view of a web3 chain, in wire format (hex quantities, ``0x`` data).

The in-process chain of the embedded mode and the tests (eth-tester) has no HTTP endpoint of
its own. The service serves this bridge at ``POST /api/v1/ledger/chain/rpc`` when (and only
when) it anchors on such a chain, so that the partner's verifier can check an anchor with
``--rpc`` exactly as it would against a real node. It answers only the reads the verifier
needs; in production partners ask a node of their own choosing, never this service.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from web3 import Web3
from web3.exceptions import BlockNotFound, TransactionNotFound

from services.blockchain.anchoring.chain import AnchorClient
from services.blockchain.ledger.anchor import RpcCall

READ_METHODS = frozenset(
    {"eth_chainId", "eth_blockNumber", "eth_getTransactionReceipt", "eth_call", "eth_getBlockByNumber"}
)


class RpcRefused(ValueError):
    """A method the bridge does not serve, or malformed parameters."""


def wire(value: Any) -> Any:
    """web3's decoded values back to JSON-RPC wire format."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return hex(value)
    if isinstance(value, bytes | bytearray):
        return "0x" + bytes(value).hex()
    if isinstance(value, Mapping):
        return {k: wire(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [wire(v) for v in value]
    raise TypeError(f"cannot put {type(value).__name__} on the wire")


def _block(param: Any) -> int | str:
    if param in ("latest", "earliest", "pending", "safe", "finalized"):
        return str(param)
    if isinstance(param, str) and param[:2] == "0x":
        return int(param, 16)
    raise RpcRefused("a block is a 0x quantity or a tag such as 'latest'")


def _read(w3: Web3, method: str, params: list[Any]) -> Any:
    if method == "eth_chainId":
        return wire(w3.eth.chain_id)
    if method == "eth_blockNumber":
        return wire(w3.eth.block_number)
    if method == "eth_getTransactionReceipt":
        try:
            return wire(dict(w3.eth.get_transaction_receipt(params[0])))
        except TransactionNotFound:
            return None
    if method == "eth_call":
        call = params[0]
        tx = {"to": Web3.to_checksum_address(call["to"]), "data": call.get("data", "0x")}
        block = _block(params[1] if len(params) > 1 else "latest")
        return wire(w3.eth.call(tx, block))  # type: ignore[arg-type]
    if method == "eth_getBlockByNumber":
        try:
            return wire(dict(w3.eth.get_block(_block(params[0]), bool(params[1]))))  # type: ignore[arg-type]
        except BlockNotFound:
            return None
    raise RpcRefused(f"method {method} is not served (read-only bridge: {', '.join(sorted(READ_METHODS))})")


def web3_rpc(w3: Web3) -> RpcCall:
    """An ``RpcCall`` reading ``w3`` (raises ``RpcRefused`` for anything else)."""

    def call(method: str, params: list[Any]) -> Any:
        if method not in READ_METHODS:
            raise RpcRefused(f"method {method} is not served")
        try:
            return _read(w3, method, params)
        except (IndexError, KeyError, TypeError, ValueError) as exc:
            raise RpcRefused(f"bad parameters for {method}: {exc}") from exc

    return call


def client_rpc(client: AnchorClient) -> RpcCall:
    """An ``RpcCall`` over the anchor client's chain, never concurrent with its writes."""

    def call(method: str, params: list[Any]) -> Any:
        with client.exclusive_web3() as w3:
            return web3_rpc(w3)(method, params)

    return call
