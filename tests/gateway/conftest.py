"""Fixtures: stand-in services on free ports, and real nginx rendered from the route table."""

from __future__ import annotations

import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from gateway import nginx_proc
from gateway.options import GatewayOptions
from gateway.routes import SERVICES
from tests.live_server import free_port, port_free
from tests.services_available import require_nginx

ROOT = Path(__file__).resolve().parents[2]


def wait_for_port(port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout} s")


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@dataclass(frozen=True)
class Backends:
    offset: int
    ports: dict[str, list[int]]
    spare: int  # one more port serving the echo app (for custom upstream lists)
    broken: int  # a port that reads a request and closes the connection unanswered


def _pick_offset(extra: int) -> int:
    for _ in range(50):
        offset = random.randrange(10000, 24000, 10)  # ports stay below the ephemeral range
        ports = [p + offset for svc in SERVICES for p in svc.ports] + [
            8190 + offset + i for i in range(extra)
        ]
        if all(port_free(p) for p in ports):
            return offset
    raise RuntimeError("no free port range for the stand-in services")


@pytest.fixture(scope="session")
def nginx_bin() -> str:
    return require_nginx()


@pytest.fixture(scope="session")
def backends(nginx_bin: str) -> Iterator[Backends]:
    offset = _pick_offset(2)
    ports = {svc.name: [p + offset for p in svc.ports] for svc in SERVICES}
    spare, broken = 8190 + offset, 8191 + offset
    every = [p for group in ports.values() for p in group] + [spare]
    env = {**os.environ, "PAMTALK_PORT_OFFSET": str(offset)}
    cmd = [sys.executable, "-m", "tests.gateway.dummy_app", "--ports", ",".join(map(str, every))]
    proc = subprocess.Popen([*cmd, "--broken", str(broken)], cwd=ROOT, env=env)
    try:
        for port in [*every, broken]:
            wait_for_port(port)
        yield Backends(offset, ports, spare, broken)
    finally:
        stop(proc)


@dataclass
class Gateway:
    url: str
    run_dir: Path
    proc: subprocess.Popen[bytes]

    def client(self, **kwargs: object) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=10, **kwargs)  # type: ignore[arg-type]

    def access_log(self) -> str:
        return (self.run_dir / "logs/access.log").read_text()


@pytest.fixture
def start_gateway(nginx_bin: str, backends: Backends) -> Iterator[Callable[..., Gateway]]:
    """Factory: ``start_gateway(**GatewayOptions fields)`` starts nginx in front of ``backends``."""
    started: list[Gateway] = []

    def start(**overrides: object) -> Gateway:
        port = free_port()
        opts = GatewayOptions(port_offset=backends.offset, gateway_port=port, **overrides)  # type: ignore[arg-type]
        run_dir = Path(tempfile.mkdtemp(prefix="pamtalk-gw-"))
        nginx_proc.prepare(run_dir, opts)
        problem = nginx_proc.check_config(nginx_bin, run_dir)
        assert problem is None, problem
        gateway = Gateway(f"http://127.0.0.1:{port}", run_dir, nginx_proc.start(nginx_bin, run_dir))
        started.append(gateway)
        deadline = time.monotonic() + 10
        while True:
            try:
                if httpx.get(gateway.url + "/healthz", timeout=1).status_code == 200:
                    return gateway
            except httpx.TransportError:
                pass
            if gateway.proc.poll() is not None or time.monotonic() > deadline:
                log = (run_dir / "logs/nginx.out").read_text() + (run_dir / "logs/error.log").read_text()
                raise RuntimeError(f"nginx did not start:\n{log}")
            time.sleep(0.05)

    yield start
    for gateway in started:
        stop(gateway.proc)
        shutil.rmtree(gateway.run_dir, ignore_errors=True)


@pytest.fixture
def gateway(start_gateway: Callable[..., Gateway]) -> Gateway:
    return start_gateway()
