"""The embedded platform (``make run``: ``python -m gateway.embedded``) as a process of its
own, on a free port with a fresh data folder, for tests that need the real thing."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import psutil
import pytest

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _stop_postgres(data: Path) -> None:
    """The embedded PostgreSQL of our data folder, should it outlive its parent."""
    for proc in psutil.process_iter(["name", "cmdline"]):
        cmdline = proc.info["cmdline"] or []
        if (proc.info["name"] or "").startswith("postgres") and str(data) in " ".join(cmdline):
            proc.terminate()


@contextmanager
def embedded_platform(data: Path, ready_seconds: float = 60) -> Iterator[str]:
    """Start the platform on ``data``; its base URL once ``/readyz`` answers 200."""
    pytest.importorskip("pgserver")
    port = _free_port()
    log = (data / "embedded.log").open("wb")
    env = {**os.environ, "PAMTALK_LOG_LEVEL": "WARNING"}
    cmd = [sys.executable, "-m", "gateway.embedded", "--port", str(port), "--data", str(data)]
    child = subprocess.Popen(
        cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + ready_seconds
        while time.monotonic() < deadline:
            if child.poll() is not None:
                pytest.fail(f"the embedded platform exited:\n{(data / 'embedded.log').read_text()[-3000:]}")
            try:
                if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        else:
            pytest.fail(f"the embedded platform did not get ready in {ready_seconds:.0f} s")
        yield url
    finally:
        child.send_signal(signal.SIGTERM)
        try:
            child.wait(timeout=20)
        except subprocess.TimeoutExpired:
            child.kill()
        _stop_postgres(data)
        log.close()
