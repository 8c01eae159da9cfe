"""Test helpers around the in-process chain (eth-tester + py-evm, a real EVM).

* ``OutageProvider``: the eth-tester provider with a switch that makes every request fail
  the way an unreachable node does (``requests.ConnectionError``).
* ``web3_rpc``: answers the few JSON-RPC methods the verifier uses, in wire format (hex
  quantities, ``0x`` data), from the in-process chain, since eth-tester has no HTTP endpoint.
* ``serve_rpc``: serves such an ``RpcCall`` as HTTP JSON-RPC on 127.0.0.1 for the CLI.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import requests
from web3 import EthereumTesterProvider, Web3
from web3.exceptions import TransactionNotFound

from services.blockchain.ledger.anchor import RpcCall


class OutageProvider(EthereumTesterProvider):
    down = False

    def make_request(self, method: Any, params: Any) -> Any:
        if self.down:
            raise requests.exceptions.ConnectionError("simulated outage: connection refused")
        return super().make_request(method, params)


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
    raise TypeError(type(value))


def web3_rpc(w3: Web3) -> RpcCall:
    def call(method: str, params: list[Any]) -> Any:
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
            tx = {"to": Web3.to_checksum_address(params[0]["to"]), "data": params[0]["data"]}
            return wire(w3.eth.call(tx, params[1]))  # type: ignore[arg-type]
        if method == "eth_getBlockByNumber":
            return wire(dict(w3.eth.get_block(int(params[0], 16), params[1])))
        raise ValueError(f"method {method} not served by the test shim")

    return call


@contextmanager
def serve_rpc(rpc: RpcCall) -> Iterator[str]:
    """An HTTP JSON-RPC endpoint on 127.0.0.1 backed by ``rpc``; yields its URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            try:
                reply = {
                    "jsonrpc": "2.0",
                    "id": request["id"],
                    "result": rpc(request["method"], request["params"]),
                }
            except Exception as exc:
                reply = {
                    "jsonrpc": "2.0",
                    "id": request["id"],
                    "error": {"code": -32000, "message": str(exc)},
                }
            body = json.dumps(reply).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
