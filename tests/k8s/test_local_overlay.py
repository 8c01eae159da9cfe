"""The local overlay (what ``make up-containers`` plays) is the base with the documented
changes only: host network and ports, the gateway's configuration and sidecar, a few
ConfigMap values, one replica, the image tags. Everything else - security contexts, probes,
resources, volumes, commands - is what SREs apply."""

from __future__ import annotations

import copy
import re
from typing import Any

from gateway.routes import GATEWAY_PORT, SERVICES
from k8s import config as c
from k8s import local
from k8s.gateway import CONF_ANNOTATION, CONF_KEY
from tests.k8s.tools import of_kind, pod_spec, rendered

Obj = dict[str, Any]
CHANGED_SETTINGS = {
    "UVICORN_HOST",
    "UVICORN_PORT",
    "PAMTALK_JWKS_URL",
    "PAMTALK_PUBLIC_BASE_URL",
    "OTEL_TRACES_EXPORTER",
    "OTEL_EXPORTER_OTLP_ENDPOINT",
    "PAMTALK_ENV",
}


def repository(image: str) -> str:
    """The repository an image (or one of base's aliases) names, without its tag."""
    name = image.rsplit(":", 1)[0]
    for alias, target in ((c.CANARY_ALIAS, "{name}"), (c.MIGRATE_ALIAS, c.MIGRATE)):
        prefix = alias.split("{", 1)[0]
        if name.startswith(prefix):
            return c.image(target.format(name=name[len(prefix) :]))
    return name


def without_local_changes(obj: Obj) -> Obj:
    obj = copy.deepcopy(obj)
    if obj["kind"] in ("Deployment", "Job"):
        obj["spec"].pop("replicas", None)
        template = obj["spec"]["template"]
        template["metadata"].get("annotations", {}).pop(CONF_ANNOTATION, None)
        spec = template["spec"]
        spec.pop("hostNetwork", None)
        spec.pop("dnsPolicy", None)
        spec["containers"] = [c for c in spec["containers"] if c["name"] != "exporter"]
        for container in spec["containers"]:
            container.pop("ports", None)
            container["image"] = repository(container["image"])
    if obj["kind"] == "ConfigMap":
        obj["data"] = {k: v for k, v in obj["data"].items() if k not in CHANGED_SETTINGS and k != CONF_KEY}
    return obj


def test_the_local_overlay_is_the_base_but_for_the_documented_changes() -> None:
    base = {(o["kind"], o["metadata"]["name"]): o for o in rendered("base")}
    here = {(o["kind"], o["metadata"]["name"]): o for o in rendered("overlays/local")}
    assert set(here) == set(base)
    differ = [key for key in base if without_local_changes(base[key]) != without_local_changes(here[key])]
    assert differ == []


def test_every_pod_is_on_the_host_network_each_on_its_own_port() -> None:
    objects = rendered("overlays/local")
    deployments, jobs = of_kind(objects, "Deployment"), of_kind(objects, "Job")
    for name in [s.name for s in SERVICES] + ["gateway"]:
        assert pod_spec(deployments[name])["hostNetwork"] is True
        assert deployments[name]["spec"]["replicas"] == 1
    assert all(pod_spec(job)["hostNetwork"] is True for job in jobs.values())
    config = of_kind(objects, "ConfigMap")
    for svc in SERVICES:
        app = pod_spec(deployments[svc.name])["containers"][0]
        assert app["ports"] == [{"name": "http", "containerPort": svc.port, "protocol": "TCP"}]
        assert config[f"{svc.name}-config"]["data"]["UVICORN_PORT"] == str(svc.port)
        assert config[f"{svc.name}-config"]["data"]["UVICORN_HOST"] == "127.0.0.1"
    gateway = pod_spec(deployments["gateway"])["containers"]
    assert [c["name"] for c in gateway] == ["nginx"]
    assert gateway[0]["ports"][0]["containerPort"] == GATEWAY_PORT


def test_the_gateway_config_sends_each_route_to_its_service_on_the_host() -> None:
    conf = of_kind(rendered("overlays/local"), "ConfigMap")["gateway-nginx"]["data"][CONF_KEY]
    assert conf == local.nginx_conf()
    upstreams = dict(re.findall(r"upstream (\w+) \{\n\s+zone \w+ 64k;\n\s+server (\S+) ", conf))
    assert upstreams == {s.name: f"127.0.0.1:{s.port}" for s in SERVICES}


def test_only_the_blockchain_service_leaves_production() -> None:
    config = of_kind(rendered("overlays/local"), "ConfigMap")
    modes = {svc.name: config[f"{svc.name}-config"]["data"]["PAMTALK_ENV"] for svc in SERVICES}
    assert modes == {**{s.name: "production" for s in SERVICES}, "blockchain": "development"}


def test_a_port_offset_moves_every_port() -> None:
    files = local.overlay_files(port_offset=1000)
    config = {p["metadata"]["name"]: p["data"] for p in files["config.yaml"]}
    assert config["farm-config"]["UVICORN_PORT"] == "9102"
    assert config["farm-config"]["PAMTALK_JWKS_URL"] == "http://127.0.0.1:9101/.well-known/jwks.json"
    conf = files["gateway-nginx.yaml"][0]["data"][CONF_KEY]
    assert "listen 127.0.0.1:9080 " in conf and "listen 127.0.0.1:9081;" in conf
