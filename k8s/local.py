"""The ``local`` overlay: the base as it runs on one machine under ``podman kube play``
(``make up-containers``, ``containers/stack.py``), against that machine's PostgreSQL, Redis
and RabbitMQ, which listen on its loopback address.

What it changes in the base, and why:

- every pod shares the host's network (``hostNetwork``): the data services answer on
  127.0.0.1 only. So each service listens on its own port of the route table
  (``UVICORN_PORT``, ``containerPort``) on 127.0.0.1, and the gateway's nginx.conf is the
  route table rendered for that (``gateway/render.py``, target ``host-network``);
- the gateway's metrics exporter sidecar is removed: its image comes from a registry;
- ConfigMaps: the JWKS from the user pod on 127.0.0.1, no trace exporter (no collector
  here), and the blockchain service in development mode: production requires an EVM node
  and its contract, and there is none here, so it anchors to its in-process chain;
- one replica of every Deployment (the canaries idle, as in base).

``port_offset`` moves every port (the tests run a second stack beside a developer's); the
committed overlay has none.
"""

from __future__ import annotations

from typing import Any

from gateway.options import GatewayOptions
from gateway.render import HOST_NETWORK, render
from gateway.routes import GATEWAY_PORT, SERVICES, Service
from k8s import config as c
from k8s import gateway as gw
from k8s import overlays

Obj = dict[str, Any]
NAME = "local"
ON_HOST = {"hostNetwork": True, "dnsPolicy": "ClusterFirstWithHostNet"}
LOCAL_ENV = overlays.Environment(NAME, host="localhost", replicas=1, gateway_replicas=1, hpa=(1, 1))


def service_port(svc: Service, port_offset: int = 0) -> int:
    return svc.port + port_offset


def gateway_port(port_offset: int = 0) -> int:
    return GATEWAY_PORT + port_offset


def _port(number: int) -> list[Obj]:
    return [{"$patch": "replace"}, {"name": "http", "containerPort": number, "protocol": "TCP"}]


def _patch(api: str, kind: str, name: str, spec: Obj) -> Obj:
    return {
        "apiVersion": api,
        "kind": kind,
        "metadata": {"name": name, "namespace": c.NAMESPACE},
        "spec": spec,
    }


def config_patches(port_offset: int = 0) -> list[Obj]:
    user = next(s for s in SERVICES if s.name == "user")
    jwks = f"http://127.0.0.1:{service_port(user, port_offset)}/.well-known/jwks.json"
    out = []
    for svc in SERVICES:
        data = {
            "UVICORN_HOST": "127.0.0.1",
            "UVICORN_PORT": str(service_port(svc, port_offset)),
            "PAMTALK_JWKS_URL": jwks,
            "PAMTALK_PUBLIC_BASE_URL": f"http://localhost:{gateway_port(port_offset)}",
            "OTEL_TRACES_EXPORTER": "none",
            "OTEL_EXPORTER_OTLP_ENDPOINT": "",
        }
        if svc.name == "blockchain":
            data["PAMTALK_ENV"] = "development"  # no EVM node here: the in-process chain
        out.append(
            {
                "apiVersion": "v1",
                "kind": "ConfigMap",
                "metadata": {"name": f"{svc.name}-config", "namespace": c.NAMESPACE},
                "data": data,
            }
        )
    return out


def workload_patches(port_offset: int = 0) -> list[Obj]:
    out = []
    for svc in SERVICES:
        app = {"name": "app", "ports": _port(service_port(svc, port_offset))}
        out.append(
            _patch(
                "apps/v1", "Deployment", svc.name, {"template": {"spec": {**ON_HOST, "containers": [app]}}}
            )
        )
        out.append(_patch("batch/v1", "Job", f"{svc.name}-migrate", {"template": {"spec": dict(ON_HOST)}}))
    nginx = {"name": "nginx", "ports": _port(gateway_port(port_offset))}
    exporter = {"name": "exporter", "$patch": "delete"}
    spec = {"template": {"spec": {**ON_HOST, "containers": [nginx, exporter]}}}
    out.append(_patch("apps/v1", "Deployment", gw.NAME, spec))
    return out


def nginx_conf(port_offset: int = 0) -> str:
    options = GatewayOptions(port_offset=port_offset, gateway_port=gateway_port(port_offset))
    return render(HOST_NETWORK, options=options)


def overlay_files(port_offset: int = 0, base: str = "../../base") -> dict[str, Any]:
    """File name -> content of the overlay (``base``: where the base is, seen from it)."""
    files: dict[str, Any] = {
        "config.yaml": config_patches(port_offset),
        "workloads.yaml": workload_patches(port_offset),
        "gateway-nginx.yaml": overlays.gateway_conf_patch(nginx_conf(port_offset)),
    }
    kustomization = overlays.kustomization(LOCAL_ENV, overlays.default_release(), list(files))
    kustomization["resources"] = [base]
    files["kustomization.yaml"] = [kustomization]
    return files
