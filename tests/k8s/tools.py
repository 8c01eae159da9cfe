"""Shared helpers of the deployment tests: required Debian tools, rendered overlays."""

from __future__ import annotations

import os
import shutil
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from k8s.config import K8S, ROOT
from k8s.kustomize import build

Obj = dict[str, Any]
K8S_VERSION = "1.37.0"  # kubernetes-validate's newest schemas
FOLDERS = ("base", "overlays/dev", "overlays/prod", "overlays/local")


def require_tool(name: str, package: str) -> str:
    """Path of a Debian tool; skip without it, fail when PAMTALK_REQUIRE_SERVICES=1 (CI)."""
    path = shutil.which(name)
    if path:
        return path
    message = f"{name} is not installed (Debian package {package})"
    if os.environ.get("PAMTALK_REQUIRE_SERVICES") == "1":
        pytest.fail(message + " and PAMTALK_REQUIRE_SERVICES=1", pytrace=False)
    pytest.skip(message)


@cache
def _rendered(folder: str) -> tuple[Obj, ...]:
    return tuple(build(K8S / folder))


def rendered(folder: str) -> list[Obj]:
    return list(_rendered(folder))


def of_kind(objects: list[Obj], kind: str) -> dict[str, Obj]:
    return {o["metadata"]["name"]: o for o in objects if o["kind"] == kind}


def pod_spec(obj: Obj) -> Obj:
    return obj["spec"]["template"]["spec"]


def relative(path: Path) -> str:
    return str(path.relative_to(ROOT))
