"""The distributed mode (``make up``) on ports and in a run folder of its own, for as long as a
``with`` block lasts, then ``make down``: what the end-to-end tests (tests/e2e/harness.py)
and the fault drill (``python -m loadtests.faults``) run against, beside a developer's own
``make up``.

    with distributed_mode({"PAMTALK_DATABASE_URL": ...}) as platform:
        httpx.get(platform.gateway_url + "/healthz")

Ports: ``port_offset`` (added to every replica port of the route table) and
``gateway_port``; else ``PAMTALK_E2E_PORT_OFFSET`` / ``PAMTALK_E2E_GATEWAY_PORT``; else the
first free offset among 1000, 2000 ... 9000 (gateway on 8080 + offset). The run folder (pids,
logs, nginx.conf) is a fresh temporary folder, removed afterwards, unless ``run_dir`` (or
``PAMTALK_E2E_RUN_DIR``) names one. ``LaunchFailed`` says why ``up`` refused.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from gateway.launcher import port_taken
from gateway.routes import GATEWAY_PORT, SERVICES

ROOT = Path(__file__).resolve().parents[1]


class LaunchFailed(RuntimeError):
    """``make up`` did not bring the platform up (its output is the message)."""


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

    def instance_urls(self) -> dict[str, str]:
        """Every replica of every service by its process name (``farm-2``): its direct URL."""
        return {
            f"{svc.name}-{i}": url
            for svc in SERVICES
            for i, url in enumerate(self.service_urls(svc.name), start=1)
        }

    def log(self, name: str) -> str:
        """A process's log: ``"farm-2"``, ``"gateway"``, or ``"access"`` / ``"error"`` of nginx."""
        path = self.run_dir / "logs" / f"{name}.log"
        return path.read_text(errors="replace") if path.is_file() else ""

    def launcher(self, command: str) -> subprocess.CompletedProcess[str]:
        return launch(command, self.env)


def launch(command: str, env: Mapping[str, str], timeout: float = 180) -> subprocess.CompletedProcess[str]:
    """``python -m gateway.launcher COMMAND`` with ``env`` (``up``, ``down``, ``status``)."""
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
        if not any(port_taken(p) for p in ports):
            return offset, gateway
    raise LaunchFailed("no free port range for the distributed mode (set PAMTALK_E2E_PORT_OFFSET)")


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
    chosen_offset, chosen_gateway = pick_ports() if port_offset is None else (port_offset, 0)
    offset = chosen_offset
    gateway = gateway_port or chosen_gateway or GATEWAY_PORT + offset
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
    started = launch("up", merged)
    try:
        if started.returncode != 0:
            raise LaunchFailed(f"`make up` failed:\n{started.stdout}\n{started.stderr}")
        yield Distributed(f"http://127.0.0.1:{gateway}", folder, offset, merged, started.stdout)
    finally:
        launch("down", merged)
        if given_dir is None:
            shutil.rmtree(folder, ignore_errors=True)
