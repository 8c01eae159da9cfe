"""NetworkPolicies: deny everything by default, then open exactly the paths the platform uses.

- the ingress controller reaches the gateway; the gateway reaches the API services;
- every API pod reaches its own backing services (PostgreSQL, Redis, RabbitMQ in the data
  namespace), the trace collector, DNS, and the services it calls (the user service's JWKS);
- Prometheus (monitoring namespace) scrapes every pod's metrics port;
- the blockchain service reaches its chain RPC outside the cluster (HTTPS).
"""

from __future__ import annotations

from typing import Any

from gateway.routes import GATEWAY_PORT, SERVICES, Service
from k8s import config as c
from k8s.gateway import EXPORTER_PORT
from k8s.gateway import NAME as GATEWAY
from k8s.workloads import meta

Obj = dict[str, Any]

DATA_PORTS = {"postgresql": 5432, "redis": 6379, "rabbitmq": 5672}
OTLP_PORT = 4318
PRIVATE_RANGES = ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")


def ns(name: str) -> Obj:
    return {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": name}}}


def pods(name: str) -> Obj:
    return {"podSelector": {"matchLabels": {"app.kubernetes.io/name": name}}}


def tcp(*ports: int) -> list[Obj]:
    return [{"protocol": "TCP", "port": p} for p in ports]


def policy(name: str, labels: dict[str, str], select: Obj, ingress: list[Obj], egress: list[Obj]) -> Obj:
    spec: Obj = {"podSelector": select, "policyTypes": ["Ingress", "Egress"]}
    if ingress:
        spec["ingress"] = ingress
    if egress:
        spec["egress"] = egress
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": meta(name, labels),
        "spec": spec,
    }


def default_deny() -> Obj:
    return policy("default-deny", c.labels("pamtalk", component="network"), {}, [], [])


def allow_dns() -> Obj:
    labels = c.labels("pamtalk", component="network")
    obj = policy("allow-dns", labels, {}, [], [])
    obj["spec"]["policyTypes"] = ["Egress"]
    obj["spec"]["egress"] = [
        {
            "to": [{**ns("kube-system"), "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}}}],
            "ports": [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}],
        }
    ]
    return obj


def service_policy(svc: Service) -> Obj:
    callers = [pods(GATEWAY)]
    callers += [pods(other) for other, targets in sorted(c.CALLS.items()) if svc.name in targets]
    ingress = [
        {"from": callers, "ports": tcp(c.APP_PORT)},
        {"from": [ns(c.MONITORING_NAMESPACE)], "ports": tcp(c.APP_PORT)},
    ]
    egress: list[Obj] = [
        {"to": [ns(c.DATA_NAMESPACE)], "ports": tcp(*DATA_PORTS.values())},
        {"to": [ns(c.TRACING_NAMESPACE)], "ports": tcp(OTLP_PORT)},
    ]
    called = c.CALLS.get(svc.name, ())
    if called:
        egress.append({"to": [pods(name) for name in called], "ports": tcp(c.APP_PORT)})
    if svc.name == "blockchain":
        egress.append(
            {
                "to": [{"ipBlock": {"cidr": "0.0.0.0/0", "except": list(PRIVATE_RANGES)}}],
                "ports": tcp(443, 8545),
            }
        )
    return policy(
        svc.name, c.labels(svc.name, component="network"), pods(svc.name)["podSelector"], ingress, egress
    )


def gateway_policy() -> Obj:
    ingress = [
        {"from": [ns(c.INGRESS_NAMESPACE)], "ports": tcp(GATEWAY_PORT)},
        {"from": [ns(c.MONITORING_NAMESPACE)], "ports": tcp(EXPORTER_PORT)},
    ]
    egress = [{"to": [pods(svc.name) for svc in SERVICES], "ports": tcp(c.APP_PORT)}]
    return policy(
        GATEWAY, c.labels(GATEWAY, component="network"), pods(GATEWAY)["podSelector"], ingress, egress
    )


def network_objects() -> list[Obj]:
    return [default_deny(), allow_dns(), gateway_policy(), *(service_policy(svc) for svc in SERVICES)]
