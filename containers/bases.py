"""The base images: the registry's where one answers, else built on this machine and kept.

- Python: ``PYTHON_IMAGE`` (``k8s/config.py``) from Docker Hub, or ``localhost/pamtalk-base``:
  Debian bookworm ``minbase`` with python3, venv and ca-certificates, made by debootstrap
  from this machine's Debian mirror (about a minute) and imported into podman;
- nginx: ``NGINX_IMAGE`` from Docker Hub, or ``localhost/pamtalk-nginx``: Debian's
  nginx-light on that base (``containers/nginx/Dockerfile``).

The local bases are tagged with a digest of their recipe and kept in podman's storage, so
later runs on the same machine reuse them; they are rebuilt when missing or when the recipe
changes. ``PAMTALK_BASE_IMAGES=registry|local`` forces a choice.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from containers.podman import STATE, ContainerError, Podman
from k8s import config as c

REGISTRY = "docker.io/library/"
REGISTRY_PROBE = "https://registry-1.docker.io/v2/"
SUITE = "bookworm"
PACKAGES = ("python3", "python3-venv", "python-is-python3", "ca-certificates")
# removed from the root filesystem before import: package caches, lists, docs, locales
SLIM = (
    "var/cache/apt",
    "var/lib/apt/lists",
    "usr/share/doc",
    "usr/share/man",
    "usr/share/info",
    "usr/share/locale",
)
PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
DEFAULT_MIRROR = "http://deb.debian.org/debian"

Say = Callable[[str], None]


@dataclass(frozen=True)
class Bases:
    python: str
    nginx: str
    why: str  # one line: where they come from and why


def answers(url: str, timeout: float = 5) -> str | None:
    """None when ``url`` gives any HTTP answer (401 is fine), else why not."""
    try:
        urllib.request.urlopen(url, timeout=timeout).close()
    except urllib.error.HTTPError:
        return None
    except (urllib.error.URLError, OSError) as exc:
        return str(getattr(exc, "reason", exc))
    return None


def debian_mirror() -> str:
    """The first Debian mirror this machine's apt uses (``PAMTALK_DEBIAN_MIRROR`` wins)."""
    if os.environ.get("PAMTALK_DEBIAN_MIRROR"):
        return os.environ["PAMTALK_DEBIAN_MIRROR"]
    sources = Path("/etc/apt/sources.list.d/debian.sources")
    if sources.is_file():
        found = re.search(r"^URIs:\s*(\S+)", sources.read_text(), flags=re.M)
        if found:
            return found.group(1)
    legacy = Path("/etc/apt/sources.list")
    if legacy.is_file():
        found = re.search(r"^deb\s+(?:\[[^]]*\]\s+)?(\S+)\s+" + SUITE, legacy.read_text(), flags=re.M)
        if found:
            return found.group(1)
    return DEFAULT_MIRROR


def _digest(*parts: str) -> str:
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:10]


def python_ref() -> str:
    return f"localhost/pamtalk-base:{SUITE}-{_digest(SUITE, *PACKAGES, *SLIM, PATH)}"


def nginx_ref(python: str) -> str:
    text = (c.ROOT / c.NGINX_BASE_DOCKERFILE).read_text()
    return f"localhost/pamtalk-nginx:{SUITE}-{_digest(python, text)}"


def need_mirror(step: str) -> str:
    mirror = debian_mirror()
    problem = answers(f"{mirror}/dists/{SUITE}/Release")
    if problem:
        raise ContainerError(f"{step} needs the Debian mirror {mirror}, which does not answer ({problem})")
    return mirror


def build_python_base(podman: Podman, say: Say) -> str:
    ref = python_ref()
    if podman.image_exists(ref):
        say(f"local Python base {ref}: kept from an earlier run")
        return ref
    if not shutil.which("debootstrap"):
        raise ContainerError(
            "no registry answers and debootstrap is not installed: apt-get install debootstrap"
        )
    if os.geteuid() != 0:
        raise ContainerError("the local base image is made with debootstrap, which needs root")
    mirror = need_mirror("the local base image (debootstrap)")
    start = time.monotonic()
    STATE.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="rootfs-", dir=STATE))
    try:
        cmd = [
            "debootstrap",
            "--variant=minbase",
            f"--include={','.join(PACKAGES)}",
            SUITE,
            str(work),
            mirror,
        ]
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            tail = "\n".join(done.stdout.splitlines()[-15:])
            raise ContainerError(f"debootstrap from {mirror} failed:\n{tail}\n{done.stderr.strip()}")
        for sub in SLIM:
            for entry in (work / sub).glob("*"):
                shutil.rmtree(entry) if entry.is_dir() and not entry.is_symlink() else entry.unlink()
        for name in ("etc/resolv.conf", "etc/hostname"):  # the runtime provides them
            (work / name).unlink(missing_ok=True)
        tar = subprocess.Popen(["tar", "-C", str(work), "-c", "."], stdout=subprocess.PIPE)
        imported = subprocess.run(
            [podman.binary, "import", "--change", f"ENV PATH={PATH}", "-", ref],
            stdin=tar.stdout,
            env=podman.env,
            capture_output=True,
            text=True,
            check=False,
        )
        tar.wait()
        if imported.returncode != 0:
            raise ContainerError(f"podman import of the local base failed: {imported.stderr.strip()}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    say(f"local Python base {ref}: made with debootstrap from {mirror} in {time.monotonic() - start:.0f} s")
    return ref


def build_nginx_base(podman: Podman, python: str, say: Say) -> str:
    ref = nginx_ref(python)
    if podman.image_exists(ref):
        say(f"local nginx base {ref}: kept from an earlier run")
        return ref
    need_mirror("the local nginx base (apt-get install nginx-light)")
    start = time.monotonic()
    dockerfile = c.ROOT / c.NGINX_BASE_DOCKERFILE
    args = ["build", "--network", "host", "--format", "docker", "--build-arg", f"PYTHON_IMAGE={python}"]
    podman.run(*args, "-f", str(dockerfile), "-t", ref, str(dockerfile.parent), timeout=900)
    say(f"local nginx base {ref}: built in {time.monotonic() - start:.0f} s")
    return ref


def choose(podman: Podman, say: Say) -> Bases:
    forced = os.environ.get("PAMTALK_BASE_IMAGES", "auto")
    if forced not in ("auto", "registry", "local"):
        raise ContainerError(f"PAMTALK_BASE_IMAGES must be auto, registry or local, not {forced!r}")
    problem = None if forced == "registry" else "PAMTALK_BASE_IMAGES=local"
    if forced == "auto":
        problem = answers(REGISTRY_PROBE)
    if problem is None:
        why = f"a registry answers ({REGISTRY_PROBE}): the registry's {c.PYTHON_IMAGE} and {c.NGINX_IMAGE}"
        return Bases(REGISTRY + c.PYTHON_IMAGE, REGISTRY + c.NGINX_IMAGE, why)
    python = build_python_base(podman, say)
    nginx = build_nginx_base(podman, python, say)
    why = f"no registry answers ({REGISTRY_PROBE}: {problem}): the local Debian bases"
    return Bases(python, nginx, why)
