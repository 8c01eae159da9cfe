"""Bad input and failure: what ``make images`` and ``make up-containers`` say when something
they need is missing, and how a pod that never becomes ready is reported."""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from containers import bases
from containers.images import Image, _why
from containers.play import PodPlan
from containers.podman import ContainerError
from containers.stack import Runner, Stack, up
from k8s.config import ROOT
from tests.containers.conftest import pick_offset

pytestmark = pytest.mark.integration
NOWHERE = "http://127.0.0.1:9"  # the discard port: nothing answers


def test_make_images_without_podman_names_the_debian_packages(tmp_path: Path) -> None:
    for tool in ("git", "tar", "sh"):  # what the command needs besides a container engine
        found = shutil.which(tool)
        assert found
        (tmp_path / tool).symlink_to(found)
    env = {**os.environ, "PATH": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "containers.images"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 1
    assert "podman is not installed" in done.stderr and "apt-get install podman runc" in done.stderr


def test_no_route_to_the_mirror_or_the_index_names_the_step(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAMTALK_DEBIAN_MIRROR", NOWHERE)
    with pytest.raises(ContainerError, match=f"the local base image .*needs the Debian mirror {NOWHERE}"):
        bases.need_mirror("the local base image (debootstrap)")
    monkeypatch.setenv("PIP_INDEX_URL", f"{NOWHERE}/simple/")
    why = _why(Image("farm", "services/farm/Dockerfile"))
    assert f"its pip step needs the package index {NOWHERE}/simple/, which does not answer" in why
    assert "the Debian mirror" in _why(Image("gateway", "gateway/Dockerfile", python=False))


def test_up_without_the_images_says_to_build_them(stack: Stack) -> None:
    unbuilt = replace(stack, tag=f"never-built-{uuid.uuid4().hex[:6]}")
    with pytest.raises(ContainerError, match="run `make images`"):
        Runner(unbuilt).check_images(unbuilt.plan())


def test_up_without_postgresql_names_it(stack: Stack) -> None:
    nowhere = replace(stack, database_url="postgresql+asyncpg://postgres@127.0.0.1:9/pamtalk", prefix="cx-")
    with pytest.raises(ContainerError, match="PostgreSQL is not reachable at"):
        up(nowhere, say=lambda line: None)


@pytest.fixture
def lone(stack: Stack) -> Iterator[tuple[Stack, Runner]]:
    """A stack of one pod at a time beside the test stack (its own names and ports)."""
    other = replace(stack, prefix=f"cf{uuid.uuid4().hex[:6]}-", port_offset=pick_offset(), ready_within=8)
    runner = Runner(other, say=lambda line: None)
    yield other, runner
    runner.stop(other.plan().services)
    runner.podman.run("secret", "rm", *other.secrets(), check=False)


def start_alone(lone: tuple[Stack, Runner], name: str, **changes: str) -> tuple[PodPlan, Runner]:
    other, runner = lone
    secret = f"{other.prefix}{name}-secrets"
    runner.create_secret(secret, {**other.secrets()[secret], **changes})
    the_pod = next(p for p in other.plan().services if p.name == name)
    runner.play(the_pod)
    return the_pod, runner


@pytest.mark.parametrize(
    ("name", "change", "verdict", "evidence"),
    [
        # production refuses to start without a real signing key: the container exits
        (
            "user",
            {"PAMTALK_USER_JWT_PRIVATE_KEY": ""},
            "stopped while starting",
            "PAMTALK_USER_JWT_PRIVATE_KEY must be set",
        ),
        # no models where it is told to look: the process runs, /readyz says 503 (a missing
        # shared dependency would not: readiness ignores those on purpose)
        (
            "prediction",
            {"PAMTALK_PREDICTION_MODEL_DIR": "/nonexistent/models"},
            "failed its startup probe: GET http://127.0.0.1:",  # its manifest gives it one
            '/readyz answered 503 {"status":"not ready","checks":{"models":"failing',
        ),
    ],
    ids=["exits", "never-ready"],
)
def test_a_pod_that_never_gets_ready_is_named_with_why_and_its_logs(
    lone: tuple[Stack, Runner], name: str, change: dict[str, str], verdict: str, evidence: str
) -> None:
    the_pod, runner = start_alone(lone, name, **change)
    if startup := the_pod.probes.get("startupProbe"):
        # The manifest gives prediction 5 minutes to load its models; the runner (our kubelet)
        # gives up after 30 s here, so the test does not wait the whole allowance out.
        shorter = {**startup, "failureThreshold": max(1, 30 // startup.get("periodSeconds", 10))}
        the_pod = dataclasses.replace(the_pod, probes={**the_pod.probes, "startupProbe": shorter})
    with pytest.raises(ContainerError) as failed:
        runner.wait_ready([the_pod])
    message = str(failed.value)
    assert message.startswith(f"{name} ({the_pod.container}) {verdict}")
    assert evidence in message and "--- its last log lines:" in message
