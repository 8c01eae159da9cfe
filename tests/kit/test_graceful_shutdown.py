"""SIGTERM: a service finishes the requests it has accepted, then stops cleanly (its
lifespan closes consumers, the relay and the pools)."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import uuid
from pathlib import Path

import httpx
import pytest

from pamtalk.db.database import Database
from pamtalk.db.statements import sql
from tests.conftest import migrate
from tests.live_server import free_port, wait_ready

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]
STORED = sql("SELECT email FROM users WHERE email = ANY(:emails)")


async def test_sigterm_lets_accepted_requests_finish(database_url: str, redis_url: str) -> None:
    await migrate("user", database_url)
    port = free_port()
    env = {
        **os.environ,
        "PAMTALK_DATABASE_URL": database_url,
        "PAMTALK_REDIS_URL": redis_url,
        "PAMTALK_BUS": "memory",
        "PAMTALK_LOG_JSON": "true",
    }
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "uvicorn",
        "services.user.app:app",
        "--port",
        str(port),
        "--no-access-log",
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        await wait_ready(base, within=10)
        async with httpx.AsyncClient(base_url=base, timeout=20) as client:
            emails = [f"stop-{uuid.uuid4().hex[:8]}@pamtalk.kr" for _ in range(12)]

            async def sign_up(email: str) -> int | None:
                try:
                    response = await client.post(
                        "/api/v1/auth/signup",
                        json={
                            "email": email,
                            "password": "a long password",
                            "display_name": "S",
                            "role": "consumer",
                        },
                    )
                except httpx.TransportError:
                    return None  # not accepted: the server had stopped listening
                return response.status_code

            tasks = [asyncio.create_task(sign_up(e)) for e in emails]
            await asyncio.sleep(0.05)  # requests are in flight (argon2 hashing takes a while)
            proc.send_signal(signal.SIGTERM)
            statuses = await asyncio.gather(*tasks)
        # uvicorn re-raises the signal after its graceful shutdown: -SIGTERM is a clean stop
        assert await asyncio.wait_for(proc.wait(), 30) in (0, -signal.SIGTERM)
    finally:
        if proc.returncode is None:
            proc.kill()
    output = (await proc.stdout.read()).decode() if proc.stdout else ""
    assert all(s in (201, None) for s in statuses), statuses  # never a 5xx half-way
    assert 201 in statuses
    assert "service stopped" in output  # the lifespan ran its shutdown
    db = Database(database_url, "user_svc")
    try:
        async with db.read() as read:
            stored = {row["email"] for row in await read.fetch(STORED, emails=emails)}
    finally:
        await db.close()
    accepted = {e for e, s in zip(emails, statuses, strict=True) if s == 201}
    assert accepted <= stored  # everything acknowledged was committed
