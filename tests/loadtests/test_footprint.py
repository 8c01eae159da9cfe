"""The memory benchmark counts a container whole: a uvicorn server of a service and the worker
processes it spawned (their command lines do not name the app), each by its PSS; and the
load tool's sampler puts those workers in the service's group too."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator

import psutil
import pytest

from loadtests import footprint, resources

PORT = 59_871  # named on the command line only: nothing listens
# Stands in for `uvicorn services.probe.app:app --port PORT --workers 2`: two spawned
# workers (multiprocessing, as uvicorn starts them), each holding 20 MB of its own.
SERVER = """
import multiprocessing, sys, time

def work(ready):
    held = bytearray(20 * 2**20)
    for i in range(0, len(held), 4096):
        held[i] = 1
    ready.put(1)
    time.sleep(120)

if __name__ == "__main__":
    ctx = multiprocessing.get_context("spawn")
    ready = ctx.Queue()
    for _ in range(2):
        ctx.Process(target=work, args=(ready,), daemon=True).start()
    ready.get(); ready.get()
    print("ready", flush=True)
    time.sleep(120)
"""


@pytest.fixture
def server(tmp_path) -> Iterator[subprocess.Popen[str]]:
    script = tmp_path / "fake_server.py"
    script.write_text(SERVER)
    cmd = [sys.executable, str(script), "uvicorn", "services.probe.app:app", "--port", str(PORT)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        yield proc
    finally:
        proc.kill()
        proc.wait(timeout=30)


def test_a_container_is_its_server_and_its_workers(server) -> None:
    containers = footprint.discover({PORT})
    assert [c.name for c in containers] == [f"probe:{PORT}"]
    measured = footprint.measure(containers[0])
    roles = sorted(p["role"] for p in measured["processes"])
    assert roles.count("worker") == 2 and roles.count("server") == 1
    workers = [p for p in measured["processes"] if p["role"] == "worker"]
    assert all(p["uss_mb"] >= 20 for p in workers)  # each one's own 20 MB
    assert measured["pss_mb"] == pytest.approx(sum(p["pss_mb"] for p in measured["processes"]), abs=0.2)
    assert measured["pss_mb"] >= 40
    assert footprint.discover({PORT + 1}) == []  # another port: not ours


def test_the_load_tools_sampler_counts_the_workers_in_the_service_group(server) -> None:
    sampler = resources.Sampler(port=1, interval=0.2)
    sampler.ports = {PORT}
    sampler.discover()
    deadline = time.monotonic() + 60
    group: dict[str, float] = {}
    while time.monotonic() < deadline and not group:
        group = sampler.sample()["groups"].get("service probe", {})
    assert group["procs"] >= 3  # the server and both workers
    assert group["mem_mb"] >= 40
    assert psutil.pid_exists(server.pid)
