"""Test helpers around the in-process chain (eth-tester + py-evm, a real EVM).

* ``OutageProvider``: the eth-tester provider with a switch that makes every request fail
  the way an unreachable node does (``requests.ConnectionError``).
* ``web3_rpc``: answers the few JSON-RPC methods the verifier uses, in wire format (hex
  quantities, ``0x`` data), from the in-process chain, since eth-tester has no HTTP endpoint
  (the service's own read-only bridge, ``services/blockchain/anchoring/chain_rpc.py``).
* ``serve_rpc``: serves such an ``RpcCall`` as HTTP JSON-RPC on 127.0.0.1 for the CLI.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import requests
from web3 import EthereumTesterProvider

from services.blockchain.anchoring.chain_rpc import web3_rpc
from services.blockchain.ledger.anchor import RpcCall

__all__ = ["OutageProvider", "serve_rpc", "web3_rpc"]


class OutageProvider(EthereumTesterProvider):
    down = False

    def make_request(self, method: Any, params: Any) -> Any:
        if self.down:
            raise requests.exceptions.ConnectionError("simulated outage: connection refused")
        return super().make_request(method, params)


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
