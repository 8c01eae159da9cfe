"""The ``dev`` and ``prod`` overlays, built from each environment's settings and its release
state (``k8s/overlays/<env>/release.yaml``: image tags and any canary in progress)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from gateway.routes import SERVICES
from k8s import config as c
from k8s import gateway as gw
from k8s import workloads

Obj = dict[str, Any]
OVERLAYS = c.K8S / "overlays"


@dataclass(frozen=True)
class Environment:
    name: str
    host: str
    replicas: int  # per service (stable); the HPA takes over from there
    gateway_replicas: int
    hpa: tuple[int, int]
    cpu_request: str = c.REQUESTS["cpu"]  # memory is per service (c.MEMORY_MI), as measured
    gateway_resources: Obj | None = None
    hard_zone_spread: bool = False


ENVIRONMENTS = {
    "dev": Environment(
        "dev",
        host="api.dev.pamtalk.example",
        replicas=1,
        gateway_replicas=1,
        hpa=(1, 3),
        cpu_request="100m",
    ),
    "prod": Environment(
        "prod",
        host="api.pamtalk.example",
        replicas=c.PROD_REPLICAS,  # the source plan's phase-3 Deployment
        gateway_replicas=3,
        hpa=(c.HPA_MIN, c.HPA_MAX),
        gateway_resources={
            "requests": {"cpu": "500m", "memory": "256Mi"},
            "limits": {"cpu": "1", "memory": "512Mi"},
        },
        hard_zone_spread=True,
    ),
}


def release_path(env: str) -> Path:
    return OVERLAYS / env / "release.yaml"


def default_release() -> Obj:
    tag = c.version()
    return {"stable": {name: tag for name in [*(s.name for s in SERVICES), gw.NAME]}, "canary": {}}


def load_release(env: str) -> Obj:
    path = release_path(env)
    release = yaml.safe_load(path.read_text()) if path.exists() else default_release()
    release.setdefault("canary", {})
    release["canary"] = release["canary"] or {}
    return release


RELEASE_HEADER = """\
# Release state of this environment, the input of kustomization.yaml and gateway-canary.yaml.
# Change it with `python -m k8s.canary` (docs/kubernetes.md), not by hand.
# stable: image tag per Deployment; canary: service -> {tag, weight (% of traffic)}.
"""


def dump_release(release: Obj) -> str:
    return RELEASE_HEADER + yaml.safe_dump(release, sort_keys=True)


def canary_replicas(env: Environment, weight: int) -> int:
    return max(1, math.ceil(env.replicas * weight / 100))


def _deployment_patch(name: str, spec: Obj, template_meta: Obj | None = None) -> Obj:
    template: Obj = {"spec": spec}
    if template_meta:
        template["metadata"] = template_meta
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "namespace": c.NAMESPACE},
        "spec": {"template": template},
    }


def resources_patches(env: Environment) -> list[Obj]:
    out = []
    for svc in SERVICES:
        for name in (svc.name, f"{svc.name}-canary"):
            resources = c.service_resources(svc.name, env.cpu_request)
            spec: Obj = {"containers": [{"name": "app", "resources": resources}]}
            if env.hard_zone_spread:
                # never two replicas more in one zone than another (needs zone-labelled nodes)
                spread = workloads.spread(
                    c.selector(svc.name, "canary" if name.endswith("-canary") else "stable")
                )
                spread[0]["whenUnsatisfiable"] = "DoNotSchedule"
                spec["topologySpreadConstraints"] = [{"$patch": "replace"}, *spread]
            out.append(_deployment_patch(name, spec))
    if env.gateway_resources:
        out.append(
            _deployment_patch(
                gw.NAME, {"containers": [{"name": "nginx", "resources": env.gateway_resources}]}
            )
        )
    return out


def hpa_patches(env: Environment) -> list[Obj]:
    low, high = env.hpa
    out = []
    for svc in SERVICES:
        for name, minimum in ((svc.name, low), (f"{svc.name}-canary", 1)):
            out.append(
                {
                    "apiVersion": "autoscaling/v2",
                    "kind": "HorizontalPodAutoscaler",
                    "metadata": {"name": name, "namespace": c.NAMESPACE},
                    "spec": {"minReplicas": minimum, "maxReplicas": high},
                }
            )
    return out


def ingress_patch(env: Environment) -> Obj:
    ing = gw.ingress(env.host)
    return {
        "apiVersion": ing["apiVersion"],
        "kind": "Ingress",
        "metadata": {"name": gw.NAME, "namespace": c.NAMESPACE},
        "spec": {"tls": ing["spec"]["tls"], "rules": ing["spec"]["rules"]},
    }


def gateway_canary_patch(weights: dict[str, int]) -> list[Obj]:
    """The gateway configuration with canary weights; its digest rolls the gateway pods."""
    return gateway_conf_patch(gw.nginx_conf(weights))


def gateway_conf_patch(conf: str) -> list[Obj]:
    """The gateway's ConfigMap with ``conf``, and its digest in the pod template (a new
    configuration rolls the gateway pods)."""
    return [
        {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": f"{gw.NAME}-nginx", "namespace": c.NAMESPACE},
            "data": {gw.CONF_KEY: conf},
        },
        _deployment_patch(gw.NAME, {}, {"annotations": {gw.CONF_ANNOTATION: gw.conf_digest(conf)}}),
    ]


def kustomization(env: Environment, release: Obj, patch_files: list[str]) -> Obj:
    canary = release["canary"]
    replicas = [{"name": svc.name, "count": env.replicas} for svc in SERVICES]
    replicas.append({"name": gw.NAME, "count": env.gateway_replicas})
    replicas += [
        {"name": f"{name}-canary", "count": canary_replicas(env, int(canary[name]["weight"]))}
        for name in sorted(canary)
    ]
    images = []
    for name, tag in sorted(release["stable"].items()):
        images.append({"name": c.image(name), "newTag": str(tag)})
        if name != gw.NAME:
            canary_tag = str(canary.get(name, {}).get("tag", tag))
            images.append(
                {"name": c.CANARY_ALIAS.format(name=name), "newName": c.image(name), "newTag": canary_tag}
            )
            # the migration Job of a service runs the migration image of its newest version
            images.append(
                {
                    "name": c.MIGRATE_ALIAS.format(name=name),
                    "newName": c.image(c.MIGRATE),
                    "newTag": canary_tag,
                }
            )
    return {
        "apiVersion": "kustomize.config.k8s.io/v1beta1",
        "kind": "Kustomization",
        "resources": ["../../base"],
        "patches": [{"path": p} for p in patch_files],
        "replicas": replicas,
        "images": images,
    }


def overlay_files(env_name: str) -> dict[str, Any]:
    """File name -> content (one object, a list of objects, or text) of one overlay."""
    env = ENVIRONMENTS[env_name]
    release = load_release(env_name)
    files: dict[str, Any] = {
        "release.yaml": dump_release(release),
        "resources.yaml": resources_patches(env),
        "hpa.yaml": hpa_patches(env),
        "ingress.yaml": [ingress_patch(env)],
    }
    weights = {name: int(spec["weight"]) for name, spec in release["canary"].items()}
    if weights:
        files["gateway-canary.yaml"] = gateway_canary_patch(weights)
    patch_files = [name for name in files if name != "release.yaml"]
    files["kustomization.yaml"] = [kustomization(env, release, patch_files)]
    return files
