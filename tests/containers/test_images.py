"""The images as ``make images`` builds them: tagged with the commit, one dependency layer
shared by every Python image, no compiler, the code of one service each."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from containers.bases import choose
from containers.images import ref
from containers.podman import Podman
from gateway.routes import SERVICES
from k8s import config as c

pytestmark = pytest.mark.integration
PYTHON_IMAGES = [svc.name for svc in SERVICES] + [c.MIGRATE]
COMPILERS = ("gcc", "cc", "c++", "g++", "clang", "make", "ld")


def layers(podman: Podman, image: str) -> list[str]:
    return json.loads(podman.run("image", "inspect", "--format", "{{json .RootFS.Layers}}", image).stdout)


def test_every_image_is_tagged_with_the_commit(images: dict[str, str], tag: str, state: Path) -> None:
    podman = Podman(state)
    assert set(images) == {*PYTHON_IMAGES, "gateway"}
    for name, image in images.items():
        assert image == ref(name, tag) == f"registry.pamtalk.example/pamtalk/{name}:{tag}"
        labels = podman.run("image", "inspect", "--format", "{{json .Labels}}", image).stdout
        assert json.loads(labels)["org.opencontainers.image.revision"] == tag


def test_python_images_share_one_dependency_layer(images: dict[str, str], state: Path) -> None:
    """The base image's layers, the user, the lock and the installed dependencies are the
    same layers (same digests) in every Python image: stored and pushed once."""
    podman = Podman(state)
    base = layers(podman, choose(podman, lambda line: None).python)
    shared = len(base) + 3  # RUN useradd, COPY base.txt, RUN pip install
    stacks = {name: layers(podman, images[name]) for name in PYTHON_IMAGES}
    prefixes = {tuple(stack[:shared]) for stack in stacks.values()}
    assert len(prefixes) == 1, "every Python image must start with the same layers"
    assert next(iter(prefixes))[: len(base)] == tuple(base)
    for name, stack in stacks.items():
        own = len(stack) - shared
        extra = 2 if name in c.EXTRAS else 0  # the extra's lock and pip layers (ml, chain)
        code = 3 if name == c.MIGRATE else 4  # COPY the kit (and services/), compileall
        assert own == extra + code, f"{name}: its own layers are the extra and the code only ({own})"


@pytest.mark.parametrize("name", [*PYTHON_IMAGES, "gateway"])
def test_no_compiler_in_the_image_and_a_non_root_user(images: dict[str, str], state: Path, name: str) -> None:
    podman = Podman(state)
    probe = "for t in " + " ".join(COMPILERS) + "; do command -v $t; done; exit 0"
    found = podman.run("run", "--rm", "--entrypoint", "sh", images[name], "-c", probe).stdout.strip()
    assert found == "", f"{name} holds build tools: {found}"
    user = podman.run("image", "inspect", "--format", "{{.Config.User}}", images[name]).stdout.strip()
    assert user == (f"{c.NGINX_UID}:{c.NGINX_UID}" if name == "gateway" else f"{c.UID}:{c.UID}")


@pytest.mark.parametrize("name", [svc.name for svc in SERVICES])
def test_a_service_image_holds_the_kit_and_its_service_only(
    images: dict[str, str], state: Path, name: str
) -> None:
    podman = Podman(state)
    listing = podman.run("run", "--rm", "--entrypoint", "ls", images[name], "/app", "/app/services").stdout
    services = set(listing.split("/app/services:", 1)[1].split()) - {"__init__.py", "__pycache__"}
    assert services == {name}
    assert "pamtalk" in listing.split("/app/services:", 1)[0]
