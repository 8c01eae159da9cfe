"""Background processes of the distributed mode, remembered by pid files in the run folder.

A pid file (``RUN_DIR/pids/<name>.json``) holds the pid, the command and the port. Before a
signal is sent the process's command line is compared with the recorded one, so a pid that
the system has since given to another program is never touched.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path

SUPERVISOR = "supervisor"  # the process that restarts the others (gateway/supervisor.py)


@dataclass(frozen=True)
class Proc:
    name: str  # "farm-2", "gateway"
    pid: int
    port: int
    cmd: list[str]
    log: str
    probe: str  # path answering 200 when ready: /readyz or /healthz ("" for none)
    restarts: int = 0  # times the supervisor started it again

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def pid_dir(run_dir: Path) -> Path:
    return run_dir / "pids"


def spawn(
    run_dir: Path, name: str, cmd: list[str], *, port: int, probe: str, env: dict[str, str], cwd: Path
) -> Proc:
    """Start ``cmd`` in its own session, output to ``RUN_DIR/logs/<name>.log``; record it."""
    log = run_dir / "logs" / f"{name}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "wb") as out:  # a fresh log per start: its tail is about this run
        child = subprocess.Popen(
            cmd, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=cwd, start_new_session=True
        )
    return record(run_dir, Proc(name, child.pid, port, cmd, str(log), probe))


def respawn(run_dir: Path, proc: Proc, env: dict[str, str], cwd: Path) -> Proc:
    """Start ``proc``'s command again (it exited), its log continued, its restart counted."""
    reap(proc.pid)
    with open(proc.log, "ab") as out:
        out.write(f"\n--- restarted by the supervisor (restart {proc.restarts + 1}) ---\n".encode())
        out.flush()
        child = subprocess.Popen(
            proc.cmd, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=cwd, start_new_session=True
        )
    return record(run_dir, replace(proc, pid=child.pid, restarts=proc.restarts + 1))


def record(run_dir: Path, proc: Proc) -> Proc:
    pid_dir(run_dir).mkdir(parents=True, exist_ok=True)
    (pid_dir(run_dir) / f"{proc.name}.json").write_text(json.dumps(asdict(proc)))
    return proc


def recorded(run_dir: Path) -> list[Proc]:
    procs = []
    for path in sorted(pid_dir(run_dir).glob("*.json")):
        try:
            procs.append(Proc(**json.loads(path.read_text())))
        except (ValueError, TypeError):
            path.unlink()
    return procs


def alive(proc: Proc) -> bool:
    """The recorded process still runs (and is still the program we started)."""
    try:
        cmdline = Path(f"/proc/{proc.pid}/cmdline").read_bytes()
        stat = Path(f"/proc/{proc.pid}/stat").read_text()
    except OSError:
        return False
    if stat.rsplit(")", 1)[-1].split()[0] == "Z":  # exited, not yet reaped
        return False
    if cmdline.split(b"\0")[: len(proc.cmd)] == [part.encode() for part in proc.cmd]:
        return True
    # nginx rewrites its title to "nginx: master process <argv joined by spaces>".
    return " ".join(proc.cmd).encode() in cmdline.replace(b"\0", b" ")


def stop(run_dir: Path, proc: Proc, *, grace: float = 10.0) -> str:
    """SIGTERM, wait up to ``grace`` seconds, then SIGKILL its process group."""
    outcome = "was not running"
    if alive(proc):
        os.kill(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + grace
        while alive(proc) and time.monotonic() < deadline:
            reap(proc.pid)
            time.sleep(0.1)
        outcome = "stopped"
        if alive(proc):
            os.killpg(proc.pid, signal.SIGKILL)  # its own session: pgid == pid
            outcome = "killed after SIGTERM timed out"
        reap(proc.pid)
    (pid_dir(run_dir) / f"{proc.name}.json").unlink(missing_ok=True)
    return outcome


def reap(pid: int) -> None:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass  # not our child (started by an earlier `up`): init reaps it


def tail(path: str | Path, lines: int = 30) -> str:
    try:
        text = Path(path).read_text(errors="replace")
    except OSError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:]) or "(empty log)"
