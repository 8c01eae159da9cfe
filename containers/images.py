"""``make images``: every image of the platform, tagged with the git commit.

    python -m containers.images             # bases, then the six services, migrate, gateway
    python -m containers.images --only farm # one image (the bases as needed)

Images: ``registry.pamtalk.example/pamtalk/<name>:<tag>`` for the six services, ``migrate``
and ``gateway``; the tag is the commit (``git rev-parse --short=12 HEAD``, ``-dirty`` when the
tree has changes). The bases come from a registry where one answers, else from this
machine (``containers/bases.py``). pip in a build gets this machine's CA bundle and a
pip.conf naming it as build secrets: mounted for that step only, never in a layer. The
build logs are ``.run/containers/build/<image>.log``; sizes and times are printed at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from containers.bases import Bases, answers, choose, need_mirror
from containers.podman import STATE, ContainerError, Podman, run_command
from gateway.routes import SERVICES
from k8s import config as c

CA_BUNDLE = Path("/etc/ssl/certs/ca-certificates.crt")
PARALLEL = 2  # builds at once (two cores; the first image's shared layers are built alone)
DEFAULT_INDEX = "https://pypi.org/simple/"


@dataclass(frozen=True)
class Image:
    name: str
    dockerfile: str
    args: dict[str, str] = field(default_factory=dict)
    python: bool = True  # opens with the shared dependency layer


def commit_tag(root: Path = c.ROOT) -> str:
    """The git commit of the tree (``-dirty`` with uncommitted changes); the version outside git."""
    head = subprocess.run(
        ["git", "rev-parse", "--short=12", "HEAD"], cwd=root, capture_output=True, text=True
    )
    if head.returncode != 0:
        return c.version()
    dirty = subprocess.run(["git", "status", "--porcelain"], cwd=root, capture_output=True, text=True).stdout
    return head.stdout.strip() + ("-dirty" if dirty.strip() else "")


def ref(name: str, tag: str) -> str:
    return f"{c.image(name)}:{tag}"


def platform_images(bases: Bases) -> list[Image]:
    py = {"PYTHON_IMAGE": bases.python}
    out = [Image(svc.name, f"services/{svc.name}/Dockerfile", py) for svc in SERVICES]
    out.append(Image(c.MIGRATE, c.MIGRATE_DOCKERFILE, py))
    gateway_args = {**py, "NGINX_IMAGE": bases.nginx, "TARGET": "k8s"}
    out.append(Image("gateway", "gateway/Dockerfile", gateway_args, python=False))
    return out


def index_url() -> str:
    return os.environ.get("PIP_INDEX_URL") or DEFAULT_INDEX


def pip_secrets(state: Path = STATE) -> list[str]:
    """``--secret`` flags: this machine's CA bundle and a pip.conf naming it (build time only)."""
    lines = ["[global]"]
    if os.environ.get("PIP_INDEX_URL"):
        lines.append(f"index-url = {os.environ['PIP_INDEX_URL']}")
    flags = []
    if CA_BUNDLE.is_file():
        lines.append("cert = /run/secrets/ca.crt")
        flags += ["--secret", f"id=ca.crt,src={CA_BUNDLE}"]
    state.mkdir(parents=True, exist_ok=True)
    conf = state / "pip.conf"
    conf.write_text("\n".join(lines) + "\n")
    return [*flags, "--secret", f"id=pip.conf,src={conf}"]


def build(podman: Podman, image: Image, tag: str, secrets: list[str], log: Path) -> float:
    start = time.monotonic()
    args = ["build", "--network", "host", "--format", "docker", "--layers", *secrets]
    args += ["--label", f"org.opencontainers.image.revision={tag}"]
    for key, value in image.args.items():
        args += ["--build-arg", f"{key}={value}"]
    args += ["-f", str(c.ROOT / image.dockerfile), "-t", ref(image.name, tag), str(c.ROOT)]
    with log.open("a") as out:
        out.write(f"\n==== {ref(image.name, tag)}\n")
    if podman.stream(args, log) != 0:
        raise ContainerError(
            f"building {image.name} failed{_why(image)}; the last lines of {log}:\n{_tail(log)}"
        )
    return time.monotonic() - start


def _why(image: Image) -> str:
    """What a failed build needed from the network, when that does not answer."""
    if image.python:
        problem = answers(index_url())
        if problem:
            return f": its pip step needs the package index {index_url()}, which does not answer ({problem})"
    if image.name == "gateway":
        try:
            need_mirror("the gateway image")
        except ContainerError as exc:
            return f": {exc}"
    return ""


def _tail(path: Path, lines: int = 25) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def sizes(podman: Podman, refs: list[str]) -> dict[str, tuple[int, int]]:
    """Image -> (size, size of its own layers beyond those every given image shares)."""
    history: dict[str, list[tuple[str, int]]] = {}
    for name in refs:
        rows = json.loads(podman.run("history", "--no-trunc", "--format", "json", name).stdout)
        history[name] = [(row["CreatedBy"], int(row["size"])) for row in reversed(rows)]  # base first
    shared = 0
    firsts = list(history.values())
    while all(len(h) > shared for h in firsts) and len({h[shared][0] for h in firsts}) == 1:
        shared += 1
    out_sizes = {}
    for name, steps in history.items():
        total = sum(size for _, size in steps)
        out_sizes[name] = (total, sum(size for _, size in steps[shared:]))
    return out_sizes


def mb(size: int) -> str:
    return f"{size / 1e6:.0f} MB"


def build_all(
    only: list[str] | None = None, podman: Podman | None = None, tag: str | None = None
) -> dict[str, str]:
    """Build the images (all, or ``only`` these names) with ``tag`` (the commit's by default);
    name -> image reference."""
    podman = podman or Podman()
    started = time.monotonic()
    tag = tag or commit_tag()
    print(f"tag {tag}")
    bases = choose(podman, print)
    print(f"bases: {bases.why}")
    images = [i for i in platform_images(bases) if not only or i.name in only]
    secrets = pip_secrets()
    logs = STATE / "build"
    logs.mkdir(parents=True, exist_ok=True)
    seconds: dict[str, float] = {}

    def one(image: Image) -> None:
        log = logs / f"{image.name}.log"
        log.write_text("")
        seconds[image.name] = build(podman, image, tag, secrets, log)
        print(f"built {ref(image.name, tag)} in {seconds[image.name]:.0f} s")

    one(images[0])  # makes the shared layers; the others reuse them, PARALLEL at a time
    with ThreadPoolExecutor(PARALLEL) as pool:
        for done in [pool.submit(one, image) for image in images[1:]]:
            done.result()
    python_refs = [ref(i.name, tag) for i in images if i.python]
    table = sizes(podman, python_refs) if len(python_refs) > 1 else {}
    width = max(len(ref(i.name, tag)) for i in images)
    print(f"\n{'image':<{width}} {'size':>8} {'own layers':>11} {'build':>6}")
    for image in images:
        name = ref(image.name, tag)
        total = int(podman.run("image", "inspect", "--format", "{{.Size}}", name).stdout.strip())
        own = mb(table[name][1]) if name in table else "-"
        print(f"{name:<{width}} {mb(total):>8} {own:>11} {seconds[image.name]:>5.0f}s")
    print(f"all built in {time.monotonic() - started:.0f} s")
    return {image.name: ref(image.name, tag) for image in images}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--only", action="append", help="build only this image (repeatable)")
    args = parser.parse_args(argv)
    return run_command("make images", lambda: build_all(args.only))


if __name__ == "__main__":
    raise SystemExit(main())
