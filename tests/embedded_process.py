"""The embedded platform (``make run``: ``python -m gateway.embedded``) as a process of its own,
on a data folder and a free port, for tests that need the real thing: started, waited for
until ready, and stopped with SIGTERM (its embedded PostgreSQL with it)."""

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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def stop_postgres(data: Path, within: float = 30) -> None:
    """The embedded PostgreSQL of ``data``, should it outlive its parent: stopped, and gone
    before this returns (a next start on ``data`` finds its data folder free)."""
    found = []
    for proc in psutil.process_iter(["name", "cmdline"]):
        cmdline = proc.info["cmdline"] or []
        if (proc.info["name"] or "").startswith("postgres") and str(data) in " ".join(cmdline):
            proc.terminate()
            found.append(proc)
    psutil.wait_procs(found, timeout=within)


@contextmanager
def embedded_platform(
    data: Path, env: dict[str, str] | None = None, ready_within: float = 120
) -> Iterator[str]:
    """Run the embedded platform on ``data``; yields its URL. ``env``: extra variables."""
    pytest.importorskip("pgserver")
    port = free_port()
    log_path = data / "embedded.log"
    log = log_path.open("ab")
    cmd = [sys.executable, "-m", "gateway.embedded", "--port", str(port), "--data", str(data)]
    child = subprocess.Popen(
        cmd,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PAMTALK_LOG_LEVEL": "WARNING", **(env or {})},
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + ready_within
        while time.monotonic() < deadline:
            if child.poll() is not None:
                pytest.fail(f"the embedded platform exited:\n{log_path.read_text()[-3000:]}")
            try:
                if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        else:
            pytest.fail(f"the embedded platform did not get ready in {ready_within:.0f} s")
        yield url
    finally:
        child.send_signal(signal.SIGTERM)
        try:
            child.wait(timeout=30)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait(timeout=10)
        stop_postgres(data)
        log.close()
