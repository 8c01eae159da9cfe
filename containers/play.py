"""The rendered local overlay turned into what ``podman kube play`` (4.3) runs, and what it
cannot express (``LEFT_OUT``, ``NOT_APPLIED``: printed by ``make up-containers`` and
documented in docs/kubernetes.md).

Each pod is played on its own, with the ConfigMaps it reads: the migration Jobs (as Pods,
``restartPolicy: Never``), then the Deployments of the services, then the gateway's. Nothing
else in a pod's spec is rewritten except where kube play refuses it:

- the images are set to the tag ``make images`` built (``kustomize edit set image``);
- names get the stack's prefix (podman has no namespaces, and keeps Secrets and ConfigMap
  volumes by name): ``pamtalk-farm``, ``pamtalk-farm-secrets``, ``pamtalk-gateway-nginx``;
- on the host's network kube play refuses ``containerPort`` (it maps ports), so the ports
  are dropped and the probes name their port by number;
- kube play makes a named volume of an emptyDir, shared by all pods that name theirs alike,
  so each pod's emptyDirs are named after the pod (and made afresh at every start).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from k8s import config as c

Obj = dict[str, Any]

LEFT_OUT = {
    "Namespace": "podman has no namespaces: pod and secret names carry the stack's prefix instead",
    "ServiceAccount": "no API server: the pods mount no token anyway",
    "Service": "no cluster DNS or virtual IPs: the pods share the host's network, reached on 127.0.0.1",
    "HorizontalPodAutoscaler": "no metrics server or controller: one replica of each Deployment",
    "PodDisruptionBudget": "no evictions on one machine",
    "NetworkPolicy": "no policy engine: every pod shares the host's network",
    "Ingress": "no ingress controller: the gateway listens on 127.0.0.1",
}
IDLE = "Deployment"  # one with 0 replicas
NOT_APPLIED = (
    "Job: played as a Pod with restartPolicy Never and waited for, within activeDeadlineSeconds; "
    "backoffLimit is not applied (a failed migration stops the start at once)",
    "startupProbe and readinessProbe: not run by kube play; `make up-containers` runs them itself",
    "livenessProbe: kube play makes it a healthcheck that needs curl in the image and systemd's "
    "timers, neither of which is here; a process that exits is restarted (restartPolicy Always)",
    "lifecycle.preStop (sleep): not run; `make down-containers` stops each pod with its "
    "terminationGracePeriodSeconds as the SIGTERM-to-SIGKILL time",
    "resources.requests (no scheduler); resources.limits are applied as cgroup limits",
    "Deployment strategy, minReadySeconds, revisionHistoryLimit, topologySpreadConstraints: no controller",
    "containerPort on the host's network (kube play refuses port mappings there): dropped, "
    "the probes name the port by number",
    "$(POD_NAME) inside another env value is not expanded by podman 4.3",
    "emptyDir: kube play makes a named volume of it, shared by every pod that names its volume "
    "alike (ours all say tmp): each is named after its pod and made afresh at each start; "
    "sizeLimit is not applied",
)


@dataclass(frozen=True)
class PodPlan:
    """One pod as played: podman's names for it, its documents, and what the launcher needs."""

    kind: str  # "Job" or "Deployment"
    name: str  # the object's name in the manifests (farm, farm-migrate, gateway)
    pod: str  # podman's pod name
    container: str  # podman's name of the main (first) container
    documents: list[Obj]
    port: int | None  # the main container's port (host network)
    probes: dict[str, Obj] = field(default_factory=dict)
    grace: int = 30  # terminationGracePeriodSeconds
    deadline: int | None = None  # Jobs: activeDeadlineSeconds
    volumes: tuple[str, ...] = ()  # podman volumes kube play makes of its ConfigMaps and emptyDirs
    images: tuple[str, ...] = ()


@dataclass(frozen=True)
class Plan:
    migrations: list[PodPlan]
    services: list[PodPlan]
    gateway: PodPlan
    left_out: list[str]

    @property
    def pods(self) -> list[PodPlan]:
        return [*self.migrations, *self.services, self.gateway]


def _retag(container: Obj, tag: str) -> None:
    repo, _, _ = container["image"].rpartition(":")
    if repo.startswith(c.REGISTRY + "/"):
        container["image"] = f"{repo}:{tag}"


def _host_ports(pod: Obj) -> int | None:
    """Drop containerPort (refused on the host network); probes get numbers. The main port."""
    main: int | None = None
    for container in pod["containers"]:
        named = {p.get("name"): p["containerPort"] for p in container.pop("ports", [])}
        if main is None and named:
            main = next(iter(named.values()))
        for key in ("startupProbe", "livenessProbe", "readinessProbe"):
            probe = container.get(key, {}).get("httpGet")
            if probe and isinstance(probe["port"], str):
                probe["port"] = named[probe["port"]]
    return main


def _prefix_references(pod: Obj, prefix: str) -> set[str]:
    """Prefix the names of the ConfigMaps and Secrets the pod reads (podman keeps Secrets and
    ConfigMap volumes by name, for every pod); the ConfigMaps' names as they were."""
    read = set()
    for volume in pod.get("volumes", []):
        if "configMap" in volume:
            read.add(volume["configMap"]["name"])
            volume["configMap"]["name"] = prefix + volume["configMap"]["name"]
    for container in pod["containers"]:
        for source in container.get("envFrom", []):
            ref = source.get("configMapRef") or source.get("secretRef")
            if "configMapRef" in source:
                read.add(ref["name"])
            ref["name"] = prefix + ref["name"]
    return read


def _own_empty_dirs(pod: Obj, owner: str) -> list[str]:
    """kube play (4.3) makes a *named* volume of an emptyDir, shared by every pod whose
    volume has that name (all our pods call theirs ``tmp``): name each after its pod."""
    renamed = {}
    for volume in pod.get("volumes", []):
        if "emptyDir" in volume:
            renamed[volume["name"]] = volume["name"] = f"{owner}-{volume['name']}"
    for container in pod["containers"]:
        for mount in container.get("volumeMounts", []):
            mount["name"] = renamed.get(mount["name"], mount["name"])
    return list(renamed.values())


def _renamed(config_map: Obj, prefix: str) -> Obj:
    """A ConfigMap as kube play reads it: the stack's name, no namespace."""
    meta = {"name": prefix + config_map["metadata"]["name"]}
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta, "data": dict(config_map["data"])}


def _pod_plan(obj: Obj, prefix: str, tag: str, config_maps: dict[str, Obj]) -> PodPlan:
    obj = copy.deepcopy(obj)
    name = obj["metadata"]["name"]
    spec = obj["spec"]["template"]["spec"]
    for container in spec["containers"]:
        _retag(container, tag)
    port = _host_ports(spec) if spec.get("hostNetwork") else None
    read = _prefix_references(spec, prefix)
    empty_dirs = _own_empty_dirs(spec, prefix + name)
    main = spec["containers"][0]
    probes = {k: main[k] for k in ("startupProbe", "readinessProbe", "livenessProbe") if k in main}
    meta = {"name": prefix + name, "labels": obj["spec"]["template"]["metadata"].get("labels", {})}
    grace = int(spec.get("terminationGracePeriodSeconds", 30))
    if obj["kind"] == "Job":
        workload = {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec}
        pod = prefix + name
        deadline = obj["spec"].get("activeDeadlineSeconds")
    else:
        obj["metadata"] = {**meta, "labels": obj["metadata"]["labels"]}
        workload = obj
        pod = f"{prefix}{name}-pod-0"  # kube play's name for a Deployment's pod
        deadline = None
    documents = [*(_renamed(config_maps[n], prefix) for n in sorted(read)), workload]
    volumes = (*(v["configMap"]["name"] for v in spec.get("volumes", []) if "configMap" in v), *empty_dirs)
    container = f"{pod}-{main['name']}"
    images = tuple(ct["image"] for ct in spec["containers"])
    return PodPlan(
        obj["kind"], name, pod, container, documents, port, probes, grace, deadline, volumes, images
    )


def plan(objects: list[Obj], *, prefix: str, tag: str) -> Plan:
    """What to play for ``objects`` (a rendered overlay) with images at ``tag``."""
    config_maps = {o["metadata"]["name"]: o for o in objects if o["kind"] == "ConfigMap"}
    migrations, services, gateway = [], [], None
    skipped: dict[str, list[str]] = {}
    for obj in objects:
        kind, name = obj["kind"], obj["metadata"]["name"]
        if kind in LEFT_OUT:
            skipped.setdefault(kind, []).append(name)
        elif kind == "Job":
            migrations.append(_pod_plan(obj, prefix, tag, config_maps))
        elif kind == "Deployment" and obj["spec"].get("replicas", 1) == 0:
            skipped.setdefault(IDLE, []).append(name)
        elif kind == "Deployment" and name == "gateway":
            gateway = _pod_plan(obj, prefix, tag, config_maps)
        elif kind == "Deployment":
            services.append(_pod_plan(obj, prefix, tag, config_maps))
        elif kind != "ConfigMap":
            raise ValueError(f"{kind}/{name}: no rule for playing it locally")
    if gateway is None:
        raise ValueError("the overlay has no gateway Deployment")
    reasons = {**LEFT_OUT, IDLE: "0 replicas: the idle canaries"}
    left_out = [f"{kind} ({len(names)}): {reasons[kind]}" for kind, names in skipped.items()]
    return Plan(migrations, services, gateway, left_out)
