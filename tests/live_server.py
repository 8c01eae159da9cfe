"""Run an ASGI app on a real uvicorn server in a background thread (its own event loop),
for tests that need real HTTP: fuzzing with schemathesis, SSE streams; and wait for a service
started in another process to be ready."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import uvicorn
from starlette.types import ASGIApp

from pamtalk.server import server_config


def port_free(port: int) -> bool:
    """Nobody listens on 127.0.0.1:``port`` (it can be bound)."""
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def live_server(app: ASGIApp, port: int | None = None, timeout: float = 30.0) -> Iterator[str]:
    port = port or free_port()
    server = uvicorn.Server(
        server_config(app, host="127.0.0.1", port=port, log_config=None, access_log=False, lifespan="on")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout)


async def wait_ready(base_url: str, within: float = 60.0) -> None:
    """Wait until the service at ``base_url`` answers ``/readyz`` with 200."""
    deadline = time.monotonic() + within
    async with httpx.AsyncClient(base_url=base_url) as client:
        while time.monotonic() < deadline:
            try:
                if (await client.get("/readyz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.2)
    raise RuntimeError(f"the service at {base_url} did not become ready within {within:.0f} s")
