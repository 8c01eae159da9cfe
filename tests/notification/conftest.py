"""Fixtures of the notification tests: the service in-process (real PostgreSQL and Redis,
in-memory bus driving its consumer) and, for streams, a real uvicorn server on the same
event loop (httpx's ASGITransport would buffer an endless response)."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from services.notification.app import create_app
from tests.conftest import service_client

HEARTBEAT = 0.3  # seconds: short, so idle streams show their heartbeat in a test


@pytest.fixture
async def notif(
    database_url: str, redis_url: str, tokens
) -> AsyncIterator[tuple[httpx.AsyncClient, FastAPI]]:
    async with service_client(
        create_app,
        service="notification",
        database_url=database_url,
        redis_url=redis_url,
        tokens=tokens,
        heartbeat_seconds=HEARTBEAT,
    ) as pair:
        yield pair


@asynccontextmanager
async def serve(app: FastAPI) -> AsyncIterator[str]:
    """Serve an app whose lifespan already runs (``service_client``) over real HTTP."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        app, lifespan="off", log_config=None, access_log=False, timeout_graceful_shutdown=2
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task
        sock.close()
