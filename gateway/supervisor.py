"""Keeps the processes of the distributed mode running, as Kubernetes' ``restartPolicy:
Always`` does: ``python -m gateway.supervisor`` (started by ``make up``, stopped first by
``make down``).

Every half second it looks at the processes recorded in the run folder; one that has exited
(a crash, an OOM kill, a ``kill -9``) is started again with the same command, port and
environment, its log continued under a line saying so, and its restart counted in its pid
file (``make status`` shows it). A process that keeps dying is restarted after a growing
pause (1 s, 2 s, 4 s ... up to 30 s, back to 1 s once it has run for a minute), as a
crash loop is in a cluster. nginx in front fails over to the other replicas meanwhile.

With the project's own primary and standby, it also keeps the ledger's synchronous commits
from waiting for a standby that is gone (gateway/sync_standby.py), as the operator does in
Kubernetes.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from gateway import procs
from gateway.sync_standby import SyncStandbyGuard

ROOT = Path(__file__).resolve().parents[1]

log = logging.getLogger("pamtalk.supervisor")
TICK = 0.5
MAX_PAUSE = 30.0
STEADY = 60.0  # seconds of life after which a process counts as healthy again


@dataclass
class Watch:
    """What the supervisor remembers of one process between its looks."""

    pause: float = 1.0
    due: float = 0.0  # monotonic time of the next restart; 0: not dead
    started: float = field(default_factory=time.monotonic)


def environment_for(proc: procs.Proc, run_dir: Path) -> dict[str, str]:
    """The environment ``make up`` gave ``proc`` (the launcher computes it again)."""
    from gateway import launcher
    from gateway.options import GatewayOptions

    if proc.name == "gateway":
        return dict(os.environ)
    service, _, replica = proc.name.rpartition("-")
    return launcher.service_env(service, int(replica), GatewayOptions.from_env(), run_dir)


def look(run_dir: Path, watches: dict[str, Watch], now: float) -> list[str]:
    """One round: restart what is due; returns the names restarted."""
    restarted = []
    for proc in procs.recorded(run_dir):
        if proc.name == procs.SUPERVISOR:
            continue
        watch = watches.setdefault(proc.name, Watch(started=now))
        if procs.alive(proc):
            if watch.due == 0.0 and now - watch.started > STEADY:
                watch.pause = 1.0
            continue
        if watch.due == 0.0:  # just found dead
            procs.reap(proc.pid)
            watch.due = now + watch.pause
            log.warning("%s exited; restarting in %.0f s", proc.name, watch.pause)
            continue
        if now < watch.due:
            continue
        procs.respawn(run_dir, proc, environment_for(proc, run_dir), ROOT)
        restarted.append(proc.name)
        watch.started, watch.due = now, 0.0
        watch.pause = min(watch.pause * 2, MAX_PAUSE)
    return restarted


def main() -> int:
    run_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(".run")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s supervisor %(message)s")
    stopping = False

    def stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    watches: dict[str, Watch] = {}
    guard = SyncStandbyGuard.from_env()
    log.info("watching the processes recorded in %s", run_dir)
    while not stopping:
        for name in look(run_dir, watches, time.monotonic()):
            log.info("%s restarted", name)
        if guard is not None:
            guard.step()
        time.sleep(TICK)
    if guard is not None:
        guard.close()
    log.info("stopped (the processes it watched are left to `make down`)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
