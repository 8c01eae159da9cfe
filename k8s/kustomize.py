"""A small renderer for the kustomizations in ``k8s/`` (for machines without kustomize).

It implements only what our overlays use, faithfully: ``resources`` (files and folders),
``patches`` given by ``path`` (strategic merge, the target named by the patch's kind and
name; ``$patch: replace`` leading a list, ``$patch: delete`` on an item of a keyed list),
``replicas`` and ``images``. Anything else is refused rather than ignored. The test
suite checks its output against ``kubectl kustomize`` where that is installed.

Usage: ``python -m k8s.kustomize k8s/overlays/prod > rendered.yaml``
"""

from __future__ import annotations

import copy
import sys
from pathlib import Path
from typing import Any

import yaml

Obj = dict[str, Any]

SUPPORTED = {"apiVersion", "kind", "resources", "patches", "replicas", "images"}
# strategic-merge keys of the list fields our patches touch (from the Kubernetes API types)
MERGE_KEYS = {
    "containers": "name",
    "initContainers": "name",
    "env": "name",
    "volumes": "name",
    "volumeMounts": "mountPath",
}
# list fields a strategic merge replaces whole (no merge key in the API types)
ATOMIC = {"args", "command", "rules", "tls", "hosts", "paths", "metrics", "policies", "matchLabelKeys"}
REPLACE = {"$patch": "replace"}
DELETE = "delete"
WORKLOADS = {"Deployment", "StatefulSet", "ReplicaSet"}


def load_all(path: Path) -> list[Obj]:
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc]


def merge(base: Any, patch: Any, field: str = "") -> Any:
    """Strategic merge of ``patch`` into ``base``: maps merge, lists with a merge key merge by
    it, atomic lists and lists led by ``{$patch: replace}`` are replaced; others are refused."""
    if isinstance(base, dict) and isinstance(patch, dict):
        out = dict(base)
        for key, value in patch.items():
            if value is None:
                out.pop(key, None)
            elif key in out:
                out[key] = merge(out[key], value, key)
            else:
                out[key] = copy.deepcopy(value)
        return out
    if isinstance(patch, list) and REPLACE in patch:
        return [copy.deepcopy(item) for item in patch if item != REPLACE]
    key = MERGE_KEYS.get(field)
    if isinstance(patch, list) and not key and field not in ATOMIC:
        raise ValueError(f"patching list field {field!r} needs a '$patch: replace' item")
    if key and isinstance(base, list) and isinstance(patch, list):
        out_list = [copy.deepcopy(item) for item in base]
        for item in patch:
            if item.get("$patch") == DELETE:
                out_list = [e for e in out_list if e.get(key) != item.get(key)]
                continue
            for i, existing in enumerate(out_list):
                if existing.get(key) == item.get(key):
                    out_list[i] = merge(existing, item)
                    break
            else:
                out_list.append(copy.deepcopy(item))
        return out_list
    return copy.deepcopy(patch)


def ident(obj: Obj) -> tuple[str, str, str]:
    meta = obj.get("metadata", {})
    return obj["kind"], meta.get("namespace", ""), meta["name"]


def _split_image(image: str) -> tuple[str, str]:
    """``name[:tag][@digest]`` -> (name, rest including its separator)."""
    if "@" in image:
        name, digest = image.split("@", 1)
        return name, "@" + digest
    slash = image.rfind("/")
    colon = image.rfind(":")
    if colon > slash:
        return image[:colon], image[colon:]
    return image, ""


def _set_images(obj: Obj, images: list[Obj]) -> None:
    spec = obj.get("spec", {})
    pod = spec.get("template", {}).get("spec") if obj["kind"] != "Pod" else spec
    if obj["kind"] == "CronJob":
        pod = spec["jobTemplate"]["spec"]["template"]["spec"]
    if not pod:
        return
    for container in (*pod.get("initContainers", ()), *pod.get("containers", ())):
        name, rest = _split_image(container["image"])
        for rule in images:
            if rule["name"] != name:
                continue
            new_name = rule.get("newName", name)
            if "digest" in rule:
                rest = "@" + rule["digest"]
            elif "newTag" in rule:
                rest = ":" + str(rule["newTag"])
            container["image"] = new_name + rest
            break


def build(folder: Path) -> list[Obj]:
    """The objects of the kustomization in ``folder``, in resource order."""
    kfile = folder / "kustomization.yaml"
    spec = yaml.safe_load(kfile.read_text()) or {}
    unknown = set(spec) - SUPPORTED
    if unknown:
        raise ValueError(f"{kfile}: unsupported kustomization fields {sorted(unknown)}")
    objects: list[Obj] = []
    for entry in spec.get("resources", ()):
        target = folder / entry
        objects += build(target) if target.is_dir() else load_all(target)
    seen = [ident(o) for o in objects]
    if len(set(seen)) != len(seen):
        raise ValueError(f"{folder}: duplicate objects")
    for patch_entry in spec.get("patches", ()):
        if set(patch_entry) != {"path"}:
            raise ValueError(f"{kfile}: only 'path' patches are supported: {patch_entry}")
        for patch in load_all(folder / patch_entry["path"]):
            matches = [
                i
                for i, o in enumerate(objects)
                if o["kind"] == patch["kind"]
                and o["metadata"]["name"] == patch["metadata"]["name"]
                and patch["metadata"].get("namespace", o["metadata"].get("namespace"))
                == o["metadata"].get("namespace")
            ]
            if len(matches) != 1:
                raise ValueError(
                    f"{kfile}: patch target {patch['kind']}/{patch['metadata']['name']} not found"
                )
            objects[matches[0]] = merge(objects[matches[0]], patch)
    for rule in spec.get("replicas", ()):
        hits = [o for o in objects if o["kind"] in WORKLOADS and o["metadata"]["name"] == rule["name"]]
        if not hits:
            raise ValueError(f"{kfile}: replicas target {rule['name']} not found")
        for obj in hits:
            obj["spec"]["replicas"] = int(rule["count"])
    images = list(spec.get("images", ()))
    if images:
        for obj in objects:
            _set_images(obj, images)
    return objects


def render(folder: Path) -> str:
    return yaml.safe_dump_all(build(folder), sort_keys=False, width=1000)


if __name__ == "__main__":
    sys.stdout.write(render(Path(sys.argv[1])))
