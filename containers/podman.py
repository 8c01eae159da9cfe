"""The podman command as this machine needs it, and what to do when it is missing.

podman's default runtime (crun) fails on these machines ("cgroups in hybrid mode not
supported"); runc works. podman also asks for limits this sandbox refuses (1,048,576 open
files and processes), so every call gets a ``containers.conf`` of its own
(``CONTAINERS_CONF``, in the state folder) with runc and the limits this process has.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from k8s.config import ROOT

STATE = ROOT / ".run" / "containers"  # generated config, keys (never committed: .run/)
PACKAGES = "podman runc catatonit"  # catatonit: the pause process of podman's pods
# podman 4.3 runs the OCI runtime with at most this many processes: asking for more fails
NPROC_CEILING = 32768


class ContainerError(RuntimeError):
    """A step failed; the message says which and what to do."""


def run_command(name: str, action: Callable[[], object]) -> int:
    """Run a command's action; a ``ContainerError`` is its message on stderr and exit code 1."""
    try:
        action()
    except ContainerError as exc:
        print(f"{name}: {exc}", file=sys.stderr)
        return 1
    return 0


def podman_binary() -> str:
    path = shutil.which("podman")
    if path:
        return path
    docker = (
        " (`docker` is here, but these targets need podman: `podman kube play`)"
        if shutil.which("docker")
        else ""
    )
    install = f"apt-get install {PACKAGES} debootstrap"
    raise ContainerError(f"podman is not installed{docker}. Install the Debian packages: {install}")


def engine_conf(state: Path = STATE) -> Path:
    """Write the ``containers.conf`` every podman call of ours reads; its path."""
    if not shutil.which("runc"):
        raise ContainerError(
            f"runc is not installed. Install the Debian packages: apt-get install {PACKAGES}"
        )
    nofile = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    nproc = resource.getrlimit(resource.RLIMIT_NPROC)[1]
    nofile = 1_048_576 if nofile == resource.RLIM_INFINITY else min(nofile, 1_048_576)
    nproc = NPROC_CEILING if nproc == resource.RLIM_INFINITY else min(nproc, NPROC_CEILING)
    text = (
        "# Written by containers/podman.py for podman calls of the PAM-TALK tools.\n"
        "[containers]\n"
        f'default_ulimits = ["nofile={nofile}:{nofile}", "nproc={nproc}:{nproc}"]\n'
        "[engine]\n"
        'runtime = "runc"\n'
    )
    state.mkdir(parents=True, exist_ok=True)
    path = state / "containers.conf"
    if not path.is_file() or path.read_text() != text:
        path.write_text(text)
    return path


class Podman:
    """Runs podman with this machine's configuration."""

    def __init__(self, state: Path = STATE) -> None:
        self.binary = podman_binary()
        self.env = {**os.environ, "CONTAINERS_CONF": str(engine_conf(state))}

    def run(
        self, *args: str, check: bool = True, timeout: float | None = 600, stdin: str | None = None
    ) -> subprocess.CompletedProcess[str]:
        proc = subprocess.run(
            [self.binary, *args],
            env=self.env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if check and proc.returncode != 0:
            raise ContainerError(
                f"podman {' '.join(args[:3])} failed: {proc.stderr.strip() or proc.stdout.strip()}"
            )
        return proc

    def stream(self, args: Sequence[str], log: Path) -> int:
        """Run podman with its output appended to ``log``; the exit code."""
        with log.open("a") as out:
            return subprocess.run(
                [self.binary, *args], env=self.env, stdout=out, stderr=subprocess.STDOUT
            ).returncode

    def image_exists(self, ref: str) -> bool:
        return self.run("image", "exists", ref, check=False).returncode == 0

    def logs(self, container: str, lines: int = 20) -> str:
        proc = self.run("logs", "--tail", str(lines), container, check=False)
        return (proc.stdout + proc.stderr).strip()
