"""CPU and memory of the platform's processes during a run (psutil, sampled each second).

Processes are found by what they are: whatever listens on the target's port (the embedded
process, or nginx) with its children; the uvicorn replicas of ``services.*`` (restricted to
the route table's ports plus ``--port-offset`` when those are known), with the worker
processes they spawn (whose command lines do not name the app); PostgreSQL, Redis and
RabbitMQ by name (in the embedded mode only its own PostgreSQL, found by its data folder);
the load generator apart. CPU is in percent of one core per group and, for the verdict, the
platform's total in percent of the whole machine; memory is the proportional set size (PSS:
shared pages split), so PostgreSQL's shared buffers are not counted once per backend.
Shared servers (PostgreSQL, Redis, RabbitMQ) count whole, other users of them included.

The sampler runs on the machine it measures, so it keeps its own cost low: CPU is read every
second (one small file per process), memory every ``memory_every`` samples (reading a
process's PSS walks its page tables: most of the sampler's cost when it was read each second),
and the gateway's listening processes are found again (every socket of every process read)
only when one of them has gone or once a minute - in the 10,000-user spike these two took
the tool's own process to ~20 % of a core.
"""

from __future__ import annotations

import os
import re
import threading
import time
from typing import Any

import psutil

NAMES = {"redis-server": "redis", "beam.smp": "rabbitmq", "epmd": "rabbitmq"}
_PORT = re.compile(r"--port[= ](\d+)")


def service_ports(offset: int) -> set[int] | None:
    try:
        from gateway.routes import SERVICES
    except ImportError:
        return None
    return {port + offset for svc in SERVICES for port in svc.ports}


def _postmaster_dir(proc: psutil.Process) -> str:
    """The data directory of the PostgreSQL server ``proc`` belongs to."""
    try:
        root = proc
        parent = proc.parent()
        if parent is not None and parent.name().startswith("postgres"):
            root = parent
        args = root.cmdline()
    except (psutil.Error, OSError):
        return ""
    return args[args.index("-D") + 1] if "-D" in args[:-1] else ""


def _category(
    proc: psutil.Process, listeners: set[int], ports: set[int] | None, embedded: str | None
) -> str | None:
    """The process group of ``proc``; ``embedded`` is the embedded mode's data folder (or None)."""
    try:
        name = proc.name()
        cmd = " ".join(proc.cmdline())
    except (psutil.Error, OSError):
        return None
    if name.startswith("postgres"):
        data_dir = _postmaster_dir(proc)
        if embedded is not None:
            return "postgres (embedded)" if data_dir.startswith(embedded) else None
        return None if "pgserver" in cmd or "pgserver" in data_dir else "postgres"
    if name == "nginx":  # only the gateway in front of the target: other nginx are not ours
        return "nginx" if proc.pid in listeners else None
    if name in NAMES:
        return NAMES[name] if embedded is None else None
    if "gateway.embedded" in cmd:
        return "embedded" if proc.pid in listeners else None
    match = re.search(r"services\.(\w+)\.app", cmd)
    if match and "uvicorn" in cmd:
        port = _PORT.search(cmd)
        if ports is None or (port and int(port.group(1)) in ports) or proc.pid in listeners:
            return f"service {match.group(1)}"
    return "platform" if proc.pid in listeners else None


def _embedded_data(pids: set[int]) -> str | None:
    """The data folder of the embedded process among ``pids`` (None: not the embedded mode)."""
    for pid in pids:
        try:
            proc = psutil.Process(pid)
            args, cwd = proc.cmdline(), proc.cwd()
        except (psutil.Error, OSError):
            continue
        if "gateway.embedded" in " ".join(args):
            folder = args[args.index("--data") + 1] if "--data" in args[:-1] else ".data"
            return os.path.join(cwd, folder)
    return None


def _memory(proc: psutil.Process) -> int:
    """Proportional set size (shared pages split among their users), else RSS."""
    try:
        return int(proc.memory_full_info().pss)
    except (AttributeError, psutil.AccessDenied):
        return int(proc.memory_info().rss)


LISTENERS_SECONDS = 60.0  # the gateway's listening processes are looked up again after this


class Sampler(threading.Thread):
    def __init__(self, port: int, port_offset: int = 0, interval: float = 1.0, memory_every: int = 5) -> None:
        super().__init__(daemon=True, name="resource-sampler")
        self.port, self.interval, self.memory_every = port, interval, max(1, memory_every)
        self.ports = service_ports(port_offset)
        self.generator: int | None = None
        self.samples: list[dict[str, Any]] = []
        self.errors: list[str] = []
        self._procs: dict[int, tuple[psutil.Process, str]] = {}
        self._memory: dict[int, int] = {}  # each process's last measured memory (bytes)
        self._taken = 0  # samples taken
        self._listening: set[int] = set()
        self._listening_at = -LISTENERS_SECONDS
        self._halt = threading.Event()
        self.cores = psutil.cpu_count() or 1
        self.memory_total = psutil.virtual_memory().total

    def _listeners(self) -> set[int]:
        """The processes listening on the port, with their children: looked up again only
        when one of them has gone or after ``LISTENERS_SECONDS``."""
        fresh = time.monotonic() - self._listening_at < LISTENERS_SECONDS
        if fresh and self._listening and all(psutil.pid_exists(pid) for pid in self._listening):
            return self._listening
        self._listening, self._listening_at = self._find_listeners(), time.monotonic()
        return self._listening

    def _find_listeners(self) -> set[int]:
        pids: set[int] = set()
        try:
            for conn in psutil.net_connections(kind="tcp"):
                if (
                    conn.status == psutil.CONN_LISTEN
                    and conn.laddr
                    and conn.laddr.port == self.port
                    and conn.pid
                ):
                    pids.add(conn.pid)
        except (psutil.Error, OSError):
            pass
        for pid in list(pids):
            try:
                pids.update(c.pid for c in psutil.Process(pid).children(recursive=True))
            except psutil.Error:
                pass
        return pids

    def discover(self) -> None:
        listeners = self._listeners()
        embedded = _embedded_data(listeners)
        for proc in psutil.process_iter():
            if proc.pid in self._procs or proc.pid == os.getpid():
                continue
            if proc.pid == self.generator:
                category: str | None = "load generator"
            else:
                category = _category(proc, listeners, self.ports, embedded)
            if not category:
                continue
            family = [proc]
            if category.startswith("service "):  # its uvicorn workers (WEB_CONCURRENCY > 1)
                try:
                    family += proc.children(recursive=True)
                except psutil.Error:
                    pass
            for member in family:
                try:
                    member.cpu_percent(None)  # primes the counter
                except psutil.Error:
                    continue
                self._procs.setdefault(member.pid, (member, category))

    def sample(self) -> dict[str, Any]:
        groups: dict[str, dict[str, float]] = {}
        measure_memory = self._taken % self.memory_every == 0
        self._taken += 1
        for pid, (proc, category) in list(self._procs.items()):
            try:
                cpu = proc.cpu_percent(None)
                if measure_memory or pid not in self._memory:
                    self._memory[pid] = _memory(proc)
                rss = self._memory[pid]
            except (psutil.Error, OSError):
                del self._procs[pid]
                self._memory.pop(pid, None)
                continue
            group = groups.setdefault(category, {"cpu": 0.0, "mem_mb": 0.0, "procs": 0})
            group["cpu"] += cpu
            group["mem_mb"] += rss / 2**20
            group["procs"] += 1
        platform = {k: v for k, v in groups.items() if k != "load generator"}
        return {
            "t": time.time(),
            "groups": {k: {m: round(x, 1) for m, x in v.items()} for k, v in groups.items()},
            "platform_cpu_pct": round(sum(g["cpu"] for g in platform.values()) / self.cores, 1),
            "platform_mem_mb": round(sum(g["mem_mb"] for g in platform.values()), 1),
            "machine_cpu_pct": psutil.cpu_percent(None),
            "machine_memory_pct": psutil.virtual_memory().percent,
        }

    def run(self) -> None:
        psutil.cpu_percent(None)
        self.discover()
        last = time.monotonic()
        while not self._halt.wait(self.interval):
            try:
                if time.monotonic() - last > 5:
                    self.discover()
                    last = time.monotonic()
                self.samples.append(self.sample())
            except Exception as exc:  # a sampling hiccup must not end the sampling
                self.errors.append(repr(exc))

    def stop(self) -> None:
        self._halt.set()
        self.join(timeout=5)


def summarize(samples: list[dict[str, Any]], start: float = 0.0, end: float = float("inf")) -> dict[str, Any]:
    """Mean and peak figures of the samples taken between ``start`` and ``end`` (epoch s)."""
    rows = [s for s in samples if start <= s["t"] <= end]
    if not rows:
        return {}
    groups: dict[str, dict[str, float]] = {}
    for row in rows:
        for name, g in row["groups"].items():
            acc = groups.setdefault(name, {"cpu_mean": 0.0, "cpu_max": 0.0, "mem_mb_max": 0.0, "procs": 0})
            acc["cpu_mean"] += g["cpu"] / len(rows)
            acc["cpu_max"] = max(acc["cpu_max"], g["cpu"])
            acc["mem_mb_max"] = max(acc["mem_mb_max"], g["mem_mb"])
            acc["procs"] = max(acc["procs"], g["procs"])

    def mean(key: str) -> float:
        return round(sum(r[key] for r in rows) / len(rows), 1)

    return {
        "samples": len(rows),
        "cores": psutil.cpu_count() or 1,
        "platform_cpu_pct_mean": mean("platform_cpu_pct"),
        "platform_cpu_pct_max": max(r["platform_cpu_pct"] for r in rows),
        "platform_mem_mb_max": max(r["platform_mem_mb"] for r in rows),
        "machine_cpu_pct_mean": mean("machine_cpu_pct"),
        "machine_memory_pct_max": max(r["machine_memory_pct"] for r in rows),
        "groups": {k: {m: round(x, 1) for m, x in v.items()} for k, v in sorted(groups.items())},
    }


def series(samples: list[dict[str, Any]], started: float) -> list[dict[str, Any]]:
    """Per second: platform CPU (% of machine), generator CPU (% of one core), platform RSS."""
    return [
        {
            "t": round(s["t"] - started, 1),
            "platform_cpu_pct": s["platform_cpu_pct"],
            "generator_cpu_pct": s["groups"].get("load generator", {}).get("cpu", 0.0),
            "platform_mem_mb": s["platform_mem_mb"],
        }
        for s in samples
    ]
