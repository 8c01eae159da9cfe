"""The platform in containers, for these tests: every image built as ``make images`` builds
it, then the local overlay played by podman as ``make up-containers`` plays it - as a stack
of its own (pod names, ports, database, RabbitMQ names, Redis database), so a developer's
running stack is not disturbed - and taken down and cleaned up afterwards.

Skipped where podman cannot run; with ``PAMTALK_REQUIRE_SERVICES=1`` (CI) that fails instead.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import create_async_engine

from containers.images import build_all, commit_tag
from containers.play import Plan, PodPlan
from containers.podman import ContainerError, Podman
from containers.stack import Runner, Stack, down, up
from gateway.routes import SERVICES
from k8s import local
from tests.kit.bus_support import delete_topology
from tests.live_server import port_free
from tests.services_available import AMQP_URL, PG_URL, REDIS_URL, require

RUN = uuid.uuid4().hex[:6]
DATABASE = f"pamtalk_ct_{RUN}"


def _fail_or_skip(message: str) -> None:
    if os.environ.get("PAMTALK_REQUIRE_SERVICES") == "1":
        pytest.fail(message + " and PAMTALK_REQUIRE_SERVICES=1", pytrace=False)
    pytest.skip(message)


def require_podman(state: Path) -> Podman:
    """podman that can run a container here (skip, or fail in CI, without one)."""
    try:
        podman = Podman(state)
    except ContainerError as exc:
        _fail_or_skip(str(exc))
    probe = podman.run("info", "--format", "{{.Host.OCIRuntime.Name}}", check=False, timeout=60)
    if probe.returncode != 0:
        _fail_or_skip(f"podman cannot run here: {probe.stderr.strip()}")
    return podman


def pick_offset() -> int:
    """A port offset whose every port (services, gateway, its status port) is free."""
    for offset in range(1500, 10000, 1000):  # beside make up's and the e2e tests' offsets
        ports = [local.service_port(s, offset) for s in SERVICES] + [
            local.gateway_port(offset) + i for i in (0, 1)
        ]
        if all(port_free(p) for p in ports):
            return offset
    raise RuntimeError("no free port range for the container stack")


@pytest.fixture(scope="package")
def state() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="pamtalk-ct-"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="package")
def tag() -> str:
    return commit_tag()


@pytest.fixture(scope="package")
def images(state: Path, tag: str) -> dict[str, str]:
    """Every image, built (from the layer cache where nothing changed): name -> reference."""
    podman = require_podman(state)
    return build_all(podman=podman, tag=tag)


async def _drop(database: str, amqp_prefix: str) -> None:
    admin = create_async_engine(PG_URL, isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        await conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    await admin.dispose()
    await delete_topology(amqp_prefix)


@pytest.fixture(scope="package")
def stack(images: dict[str, str], state: Path, tag: str) -> Iterator[Stack]:
    for name in ("postgresql", "redis", "rabbitmq"):
        require(name)
    the_stack = Stack(
        prefix=f"ct{RUN}-",
        port_offset=pick_offset(),
        database_url=PG_URL.rsplit("/", 1)[0] + "/" + DATABASE,
        redis_url=REDIS_URL,
        amqp_url=AMQP_URL,
        amqp_prefix=f"ct{RUN}.",
        state=state,
        tag=tag,
    )
    said: list[str] = []
    try:
        try:
            up(the_stack, say=said.append)
        except ContainerError as exc:
            pytest.fail(f"make up-containers failed: {exc}\n" + "\n".join(said), pytrace=False)
        yield the_stack
    finally:
        down(the_stack, say=said.append)
        asyncio.run(_drop(DATABASE, the_stack.amqp_prefix))


@pytest.fixture(scope="package")
def plan(stack: Stack) -> Plan:
    return stack.plan()


@pytest.fixture(scope="package")
def runner(stack: Stack) -> Runner:
    return Runner(stack, say=lambda line: None)


def pod(plan: Plan, name: str) -> PodPlan:
    return next(p for p in plan.pods if p.name == name)
