"""The CPU PostgreSQL has used so far, for benchmarks that charge it per statement or commit."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import psutil

from gateway.datatier import Instance


def _seconds(processes: Iterable[psutil.Process]) -> float:
    total = 0.0
    for proc in processes:
        try:
            times = proc.cpu_times()
        except psutil.Error:  # a backend that ended meanwhile
            continue
        total += times.user + times.system
    return total


def postgres_cpu(instances: Sequence[Instance] | None = None) -> float:
    """CPU seconds so far of these instances' postmasters and every process they started, or
    (``None``) of every PostgreSQL process on the machine."""
    if instances is None:
        return _seconds(
            p for p in psutil.process_iter(["name"]) if (p.info["name"] or "").startswith("postgres")
        )
    masters = [psutil.Process(int(Path(i.data, "postmaster.pid").read_text().split()[0])) for i in instances]
    return _seconds(proc for master in masters for proc in [master, *master.children(recursive=True)])
