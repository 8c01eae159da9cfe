"""The checked-in artefacts are what the generator writes, and the kustomize stand-in renders
what kustomize itself does."""

from __future__ import annotations

import shutil
import subprocess

import pytest
import yaml

from k8s import generate
from k8s.config import K8S
from k8s.kustomize import build, merge
from tests.k8s.tools import FOLDERS, relative


def test_no_drift() -> None:
    files = generate.artefacts()
    stale = [relative(p) for p in generate.drift(files) + generate.extra(files)]
    assert not stale, f"out of date, run `python -m k8s.generate`: {stale}"


@pytest.mark.parametrize("folder", FOLDERS)
def test_matches_kubectl_kustomize_when_installed(folder: str) -> None:
    kubectl = shutil.which("kubectl")
    if not kubectl:
        pytest.skip("kubectl is not installed: k8s/kustomize.py is checked against it where it is")
    out = subprocess.run(
        [kubectl, "kustomize", str(K8S / folder)], capture_output=True, text=True, check=True
    )

    def key(o: dict) -> tuple:
        return o["kind"], o["metadata"].get("namespace", ""), o["metadata"]["name"]

    theirs = {key(o): o for o in yaml.safe_load_all(out.stdout) if o}
    mine = {key(o): o for o in build(K8S / folder)}
    assert set(mine) == set(theirs)
    assert [k for k in mine if mine[k] != theirs[k]] == []


def test_strategic_merge_rules() -> None:
    base = {"containers": [{"name": "app", "image": "a:1", "env": [{"name": "X", "value": "1"}]}]}
    patch = {"containers": [{"name": "app", "env": [{"name": "Y", "value": "2"}]}]}
    merged = merge(base, patch)
    assert merged["containers"][0]["image"] == "a:1"
    assert [e["name"] for e in merged["containers"][0]["env"]] == ["X", "Y"]
    spread = {"topologySpreadConstraints": [{"topologyKey": "z"}]}
    assert merge(spread, {"topologySpreadConstraints": [{"$patch": "replace"}, {"topologyKey": "h"}]}) == {
        "topologySpreadConstraints": [{"topologyKey": "h"}]
    }
    with pytest.raises(ValueError):  # a keyed list whose merge rules we do not implement
        merge(spread, {"topologySpreadConstraints": [{"topologyKey": "h"}]})
    two = {"containers": [{"name": "app"}, {"name": "sidecar", "image": "s:1"}]}
    assert merge(two, {"containers": [{"name": "sidecar", "$patch": "delete"}]}) == {
        "containers": [{"name": "app"}]
    }
