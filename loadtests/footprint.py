"""The memory of each service container: PSS of its processes, workers included.

A *container* here is what one container (one pod) of a service runs: a uvicorn process
serving ``services.<name>.app`` and everything below it, i.e. with ``WEB_CONCURRENCY=N``
the supervising process and its N spawned workers (whose command lines do not name the
app). In ``make up`` each replica is one; under podman each container is one (its
processes are visible to the host). Memory is the proportional set size (PSS: pages shared
with other processes split among them), summed over the container's processes; the RSS sum
is given too (an upper bound: it counts shared library pages whole in every process), and,
for a process in a memory cgroup of its own (a container), the cgroup's working set (usage
less inactive file pages: what Kubernetes compares with the limit).
"""

from __future__ import annotations

import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil

_APP = re.compile(r"services\.(\w+)\.app")
_PORT = re.compile(r"--port[= ](\d+)")
MB = 2**20


@dataclass
class Container:
    service: str
    port: int | None
    root: psutil.Process

    @property
    def name(self) -> str:
        return f"{self.service}:{self.port}" if self.port else f"{self.service}:pid{self.root.pid}"

    def processes(self) -> list[psutil.Process]:
        try:
            return [self.root, *self.root.children(recursive=True)]
        except psutil.Error:
            return []


def _port(proc: psutil.Process, cmd: str) -> int | None:
    found = _PORT.search(cmd)
    if found:
        return int(found.group(1))
    try:  # the images take the port from the environment (UVICORN_PORT)
        value = proc.environ().get("UVICORN_PORT")
    except (psutil.Error, OSError):
        return None
    return int(value) if value and value.isdigit() else None


def _memory_cgroup(pid: int | str) -> str | None:
    try:
        lines = Path(f"/proc/{pid}/cgroup").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        _, controllers, path = line.split(":", 2)
        if "memory" in controllers.split(","):
            return path
    return None


def working_set_mb(pid: int) -> float | None:
    """The working set of ``pid``'s memory cgroup (cgroup v1) when it is not this tool's own."""
    path = _memory_cgroup(pid)
    if path is None or path == _memory_cgroup("self"):
        return None
    folder = Path("/sys/fs/cgroup/memory") / path.lstrip("/")
    try:
        usage = int((folder / "memory.usage_in_bytes").read_text())
        stat = dict(line.split() for line in (folder / "memory.stat").read_text().splitlines())
    except (OSError, ValueError):
        return None
    return round((usage - int(stat.get("total_inactive_file", 0))) / MB, 1)


def discover(ports: set[int] | None = None) -> list[Container]:
    """Every service container running on this machine (only those on ``ports`` when given)."""
    found: dict[int, Container] = {}
    for proc in psutil.process_iter():
        if proc.pid == os.getpid():
            continue
        try:
            cmd = " ".join(proc.cmdline())
        except (psutil.Error, OSError):
            continue
        match = _APP.search(cmd)
        if not match or "uvicorn" not in cmd:
            continue
        port = _port(proc, cmd)
        if ports is not None and port not in ports:
            continue
        found[proc.pid] = Container(match.group(1), port, proc)
    # a uvicorn process under another one (a worker started by fork) belongs to its parent
    roots = []
    for container in found.values():
        try:
            parents = {p.pid for p in container.root.parents()}
        except psutil.Error:
            continue
        if not parents & found.keys():
            roots.append(container)
    return sorted(roots, key=lambda c: (c.service, c.port or 0, c.root.pid))


def measure(container: Container) -> dict[str, Any]:
    """PSS, USS and RSS of each process of ``container`` and their sums (MB)."""
    rows = []
    for proc in container.processes():
        try:
            info = proc.memory_full_info()
            role = "server" if proc.pid == container.root.pid else _role(proc)
        except (psutil.Error, OSError):
            continue
        rows.append(
            {
                "pid": proc.pid,
                "role": role,
                "pss_mb": round(info.pss / MB, 1),
                "uss_mb": round(info.uss / MB, 1),
                "rss_mb": round(info.rss / MB, 1),
            }
        )
    return {
        "service": container.service,
        "port": container.port,
        "processes": rows,
        "workers": sum(1 for r in rows if r["role"] == "worker"),
        "pss_mb": round(sum(r["pss_mb"] for r in rows), 1),
        "rss_mb": round(sum(r["rss_mb"] for r in rows), 1),
        "cgroup_mb": working_set_mb(container.root.pid),
    }


def _role(proc: psutil.Process) -> str:
    cmd = " ".join(proc.cmdline())
    if "resource_tracker" in cmd:
        return "resource tracker"
    return "worker" if "multiprocessing" in cmd or "uvicorn" in cmd else "other"


def snapshot(containers: list[Container]) -> dict[str, dict[str, Any]]:
    return {c.name: measure(c) for c in containers}


class PeakSampler(threading.Thread):
    """Samples the containers every ``interval`` seconds; keeps each one's highest PSS sum
    and its largest single process."""

    def __init__(self, containers: list[Container], interval: float = 1.0) -> None:
        super().__init__(daemon=True, name="memory-peaks")
        self.containers, self.interval = containers, interval
        self.peaks: dict[str, dict[str, Any]] = {}
        self.samples = 0
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            for name, now in snapshot(self.containers).items():
                peak = self.peaks.setdefault(
                    name, {"pss_mb": 0.0, "rss_mb": 0.0, "largest_process_pss_mb": 0.0}
                )
                for key in ("pss_mb", "rss_mb", "cgroup_mb"):
                    if now.get(key) is not None:
                        peak[key] = max(peak.get(key) or 0.0, now[key])
                largest = max((p["pss_mb"] for p in now["processes"]), default=0.0)
                peak["largest_process_pss_mb"] = max(peak["largest_process_pss_mb"], largest)
            self.samples += 1
            self._halt.wait(self.interval)

    def stop(self) -> dict[str, dict[str, Any]]:
        self._halt.set()
        self.join(timeout=30)
        return self.peaks
