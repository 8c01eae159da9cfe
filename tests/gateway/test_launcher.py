"""``make up`` / ``make down`` (gateway/launcher.py) with stand-in services."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from gateway.routes import SERVICES
from tests.e2e.harness import ROOT, distributed_mode, pick_ports
from tests.services_available import reachable, require_nginx

STAND_IN = {"PAMTALK_LAUNCH_APP": "tests.gateway.dummy_app:app", "PAMTALK_LAUNCH_SKIP_MIGRATE": "1"}


def _launcher(command: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "gateway.launcher", command]
    return subprocess.run(
        cmd, cwd=ROOT, env={**os.environ, **env}, capture_output=True, text=True, timeout=60
    )


def test_up_names_everything_that_is_missing(tmp_path: Path) -> None:
    env = {
        "PAMTALK_RUN_DIR": str(tmp_path),
        "PAMTALK_NGINX": str(tmp_path / "no-nginx"),
        "PAMTALK_DATABASE_URL": "postgresql+asyncpg://postgres:s3cret@127.0.0.1:1/pamtalk",
        "PAMTALK_REDIS_URL": "redis://127.0.0.1:2/0",
        "PAMTALK_AMQP_URL": "amqp://guest:guest@127.0.0.1:3/",
    }
    done = _launcher("up", env)
    assert done.returncode == 1
    for name in ("nginx", "PostgreSQL", "Redis", "RabbitMQ", "PAMTALK_DATABASE_URL", "127.0.0.1:3"):
        assert name in done.stderr
    assert "s3cret" not in done.stderr
    assert not list(tmp_path.glob("pids/*"))


def test_up_status_down(tmp_path: Path) -> None:
    # Real PostgreSQL, Redis and RabbitMQ are checked when this machine has them.
    backing_here = all(reachable(name) for name in ("postgresql", "redis", "rabbitmq"))
    env = {**STAND_IN, "PAMTALK_LAUNCH_SKIP_BACKING": "0" if backing_here else "1"}
    with distributed_mode(env, run_dir=tmp_path) as platform:
        assert "/docs" in platform.up_output
        with platform.client() as client:
            for svc in SERVICES:
                assert (
                    client.get(f"/openapi/{svc.name}.json").json()["info"]["title"] == f"{svc.name} service"
                )
            farm_ports = {client.post("/api/v1/farms").json()["port"] for _ in range(4)}
            assert client.get("/docs").status_code == 200
        assert {f"http://127.0.0.1:{port}" for port in farm_ports} == set(platform.service_urls("farm"))
        status = platform.launcher("status")
        assert status.returncode == 0, status.stdout
        assert (
            status.stdout.count(" running ") == sum(s.replicas for s in SERVICES) + 2
        )  # gateway, supervisor
        again = platform.launcher("up")
        assert again.returncode == 1 and "already running" in again.stderr
        pids = [json.loads(p.read_text())["pid"] for p in (tmp_path / "pids").glob("*.json")]
        deadline = time.monotonic() + 3  # nginx flushes its buffered access log every second
        while "request_id" not in platform.log("access") and time.monotonic() < deadline:
            time.sleep(0.1)
        assert "request_id" in platform.log("access")
    assert not list((tmp_path / "pids").glob("*.json"))
    for pid in pids:
        assert not Path(f"/proc/{pid}").exists() or "Z" in Path(f"/proc/{pid}/stat").read_text().split()[2]
    with pytest.raises(httpx.TransportError):
        httpx.get(platform.gateway_url + "/healthz", timeout=1)


def test_a_killed_replica_is_restarted_and_the_keys_are_the_run_folders_own(tmp_path: Path) -> None:
    """As Kubernetes would: a replica that dies (here kill -9) comes back on its port with its
    log continued; `make down` stops the supervisor first, so nothing comes back after it."""
    import signal

    from gateway.keys import KEYS

    with distributed_mode(dict(STAND_IN, PAMTALK_LAUNCH_SKIP_BACKING="1"), run_dir=tmp_path) as platform:
        record = tmp_path / "pids" / "farm-1.json"
        killed = json.loads(record.read_text())
        os.kill(killed["pid"], signal.SIGKILL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            now = json.loads(record.read_text())
            if now["pid"] != killed["pid"] and now["restarts"] == 1:
                try:
                    if httpx.get(f"http://127.0.0.1:{now['port']}/readyz", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
            time.sleep(0.2)
        else:
            raise AssertionError(f"farm-1 was not restarted: {record.read_text()}")
        assert now["port"] == killed["port"]
        assert "restarted by the supervisor" in Path(now["log"]).read_text()
        assert "restarts 1" in platform.launcher("status").stdout
        with platform.client() as client:  # the gateway sends to both replicas again
            ports = {client.post("/api/v1/farms").json()["port"] for _ in range(6)}
        assert killed["port"] in ports
    keys = sorted((tmp_path / "keys").iterdir())
    assert [k.name for k in keys] == sorted(KEYS.values())
    assert all(oct(k.stat().st_mode & 0o777) == "0o600" for k in keys)
    assert not Path(f"/proc/{now['pid']}").exists() or "Z" in Path(f"/proc/{now['pid']}/stat").read_text()


def test_a_service_that_cannot_start_is_reported_with_its_log(tmp_path: Path) -> None:
    require_nginx()
    offset, gateway_port = pick_ports()
    env = {
        **STAND_IN,
        "PAMTALK_LAUNCH_SKIP_BACKING": "1",
        "PAMTALK_LAUNCH_APP_PREDICTION": "tests.gateway.no_such_module:app",
        "PAMTALK_RUN_DIR": str(tmp_path),
        "PAMTALK_PORT_OFFSET": str(offset),
        "PAMTALK_GATEWAY_PORT": str(gateway_port),
    }
    done = _launcher("up", env)
    assert done.returncode == 1
    assert "prediction-1" in done.stderr and "no_such_module" in done.stderr
    assert "everything was stopped" in done.stderr
    assert not list((tmp_path / "pids").glob("*.json"))


def test_pools_share_the_connection_budget() -> None:
    from gateway.launcher import pool_env

    assert pool_env(7, {"PAMTALK_DB_CONNECTION_BUDGET": "60"}) == {
        "PAMTALK_DB_POOL_SIZE": "8",
        "PAMTALK_DB_MAX_OVERFLOW": "0",
    }
    assert pool_env(100, {}) == {"PAMTALK_DB_POOL_SIZE": "2", "PAMTALK_DB_MAX_OVERFLOW": "0"}
    assert pool_env(7, {"PAMTALK_DB_POOL_SIZE": "5", "PAMTALK_DB_MAX_OVERFLOW": "1"}) == {}


def test_every_uvicorn_worker_counts_against_the_connection_budget(monkeypatch) -> None:
    from gateway.launcher import service_processes

    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    one = service_processes()
    monkeypatch.setenv("WEB_CONCURRENCY", "2")  # each replica: two workers, two pools
    assert service_processes() == 2 * one
