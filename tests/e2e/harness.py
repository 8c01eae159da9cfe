"""Bring the distributed mode (``make up``) up for a test, on ports of its own, and down again.

    from tests.e2e.harness import distributed_fixture
    platform = distributed_fixture()              # a session-scoped fixture named platform

    def test_something(platform):
        with platform.client() as client:         # httpx.Client on the gateway
            assert client.get("/api/v1/farms").status_code == 200

or, without pytest fixtures, ``with distributed_mode() as platform: ...``.

Ports: ``PAMTALK_E2E_PORT_OFFSET`` (added to every replica port of the route table) and
``PAMTALK_E2E_GATEWAY_PORT``; unset, the first free offset among 1000, 2000 ... 9000 is
taken (gateway on 8080 + offset), so a developer's running ``make up`` is never disturbed.
The run folder (pids, logs, nginx.conf) is a fresh temporary folder unless
``PAMTALK_E2E_RUN_DIR`` is set. It needs nginx and PostgreSQL, Redis and RabbitMQ (skips
without them, fails with ``PAMTALK_REQUIRE_SERVICES=1``), unless the environment given says
``PAMTALK_LAUNCH_SKIP_BACKING=1`` (stand-in services).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from gateway.routes import GATEWAY_PORT, SERVICES
from tests.live_server import port_free
from tests.services_available import require, require_nginx

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Distributed:
    gateway_url: str
    run_dir: Path
    port_offset: int
    env: Mapping[str, str] = field(repr=False)
    up_output: str = ""

    def client(self, **kwargs: Any) -> httpx.Client:
        kwargs.setdefault("timeout", 10)
        return httpx.Client(base_url=self.gateway_url, **kwargs)

    def async_client(self, **kwargs: Any) -> httpx.AsyncClient:
        kwargs.setdefault("timeout", 10)
        return httpx.AsyncClient(base_url=self.gateway_url, **kwargs)

    def service_urls(self, name: str) -> list[str]:
        """The direct URL of each replica of service ``name`` (bypassing the gateway)."""
        svc = next(s for s in SERVICES if s.name == name)
        return [f"http://127.0.0.1:{port + self.port_offset}" for port in svc.ports]

    def log(self, name: str) -> str:
        """A process's log: ``"farm-2"``, ``"gateway"``, or ``"access"`` / ``"error"`` of nginx."""
        path = self.run_dir / "logs" / f"{name}.log"
        return path.read_text(errors="replace") if path.is_file() else ""

    def launcher(self, command: str) -> subprocess.CompletedProcess[str]:
        return _launcher(command, self.env)


def _launcher(command: str, env: Mapping[str, str], timeout: float = 180) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "gateway.launcher", command]
    return subprocess.run(cmd, cwd=ROOT, env=dict(env), capture_output=True, text=True, timeout=timeout)


def pick_ports() -> tuple[int, int]:
    """(port offset, gateway port): from the environment, else the first free pair."""
    if os.environ.get("PAMTALK_E2E_PORT_OFFSET"):
        offset = int(os.environ["PAMTALK_E2E_PORT_OFFSET"])
        return offset, int(os.environ.get("PAMTALK_E2E_GATEWAY_PORT") or GATEWAY_PORT + offset)
    for offset in range(1000, 10000, 1000):
        gateway = int(os.environ.get("PAMTALK_E2E_GATEWAY_PORT") or GATEWAY_PORT + offset)
        ports = [gateway] + [p + offset for s in SERVICES for p in s.ports]
        if all(port_free(p) for p in ports):
            return offset, gateway
    raise RuntimeError("no free port range for the distributed mode (set PAMTALK_E2E_PORT_OFFSET)")


@contextmanager
def distributed_mode(
    env: Mapping[str, str] | None = None,
    *,
    port_offset: int | None = None,
    gateway_port: int | None = None,
    run_dir: Path | None = None,
) -> Iterator[Distributed]:
    """``make up`` on alternative ports for the ``with`` block, then ``make down``.

    ``env`` adds to (and overrides) the environment of the launcher and so of every service.
    """
    merged = {**os.environ, **(env or {})}
    require_nginx()
    if merged.get("PAMTALK_LAUNCH_SKIP_BACKING") != "1":
        for name in ("postgresql", "redis", "rabbitmq"):
            require(name)
    chosen_offset, chosen_gateway = pick_ports()
    offset = chosen_offset if port_offset is None else port_offset
    gateway = gateway_port or (chosen_gateway if port_offset is None else GATEWAY_PORT + offset)
    given_dir = run_dir or (
        Path(merged["PAMTALK_E2E_RUN_DIR"]) if merged.get("PAMTALK_E2E_RUN_DIR") else None
    )
    folder = given_dir or Path(tempfile.mkdtemp(prefix="pamtalk-e2e-"))
    merged.update(
        {
            "PAMTALK_PORT_OFFSET": str(offset),
            "PAMTALK_GATEWAY_PORT": str(gateway),
            "PAMTALK_RUN_DIR": str(folder),
        }
    )
    started = _launcher("up", merged)
    try:
        if started.returncode != 0:
            pytest.fail(f"`make up` failed:\n{started.stdout}\n{started.stderr}", pytrace=False)
        yield Distributed(f"http://127.0.0.1:{gateway}", folder, offset, merged, started.stdout)
    finally:
        _launcher("down", merged)
        if given_dir is None:
            shutil.rmtree(folder, ignore_errors=True)


def distributed_fixture(
    name: str = "platform", scope: Any = "session", env: Mapping[str, str] | None = None, **kwargs: Any
) -> Callable[..., Any]:
    """A pytest fixture called ``name`` giving ``Distributed``: assign it in a test module or
    conftest under the same name (``platform = distributed_fixture()``)."""

    @pytest.fixture(scope=scope, name=name)
    def platform() -> Iterator[Distributed]:
        with distributed_mode(env, **kwargs) as running:
            yield running

    return platform
