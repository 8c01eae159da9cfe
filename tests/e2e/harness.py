"""Bring the distributed mode (``make up``) up for a test, on ports of its own, and down again
(gateway/isolated_run.py does the work; this adds pytest's skip-or-fail).

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
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from gateway import isolated_run
from gateway.isolated_run import ROOT, Distributed, LaunchFailed, pick_ports
from tests.services_available import require, require_nginx

__all__ = ["ROOT", "Distributed", "distributed_fixture", "distributed_mode", "pick_ports"]


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
    try:
        with isolated_run.distributed_mode(
            env, port_offset=port_offset, gateway_port=gateway_port, run_dir=run_dir
        ) as running:
            yield running
    except LaunchFailed as failed:
        pytest.fail(str(failed), pytrace=False)


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
