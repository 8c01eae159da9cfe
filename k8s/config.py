"""Names, images and numbers shared by every generated artefact (one place to change them)."""

from __future__ import annotations

import tomllib
from pathlib import Path

from gateway.routes import SERVICES, Service

ROOT = Path(__file__).resolve().parents[1]
K8S = ROOT / "k8s"

NAMESPACE = "pamtalk"
DATA_NAMESPACE = "pamtalk-data"  # PostgreSQL, Redis, RabbitMQ (operator-managed or external)
MONITORING_NAMESPACE = "monitoring"  # Prometheus, Grafana
TRACING_NAMESPACE = "observability"  # OpenTelemetry collector / Jaeger
INGRESS_NAMESPACE = "ingress-nginx"

APP_PORT = 8000  # every service container listens here
UID = 10001  # the non-root user of the service images
NGINX_UID = 101  # the unprivileged nginx user of the gateway image

REGISTRY = "registry.pamtalk.example/pamtalk"
MIGRATE = "migrate"  # the migration image: the kit and every service's migrations
MIGRATE_DOCKERFILE = "containers/migrate/Dockerfile"
NGINX_BASE_DOCKERFILE = "containers/nginx/Dockerfile"
# Image names in base that every overlay maps to a repository and tag (a kustomize image
# rule matches by name, so each needs a name of its own).
CANARY_ALIAS = "canary/{name}"  # the canary Deployment of a service
MIGRATE_ALIAS = "migrate/{name}"  # the migration Job of a service


def migration_command(name: str) -> list[str]:
    """What a service's migration Job runs: its migrations; the farm's also applies the shard
    map (services/farm/migrate.py)."""
    if name == "farm":
        return ["python", "-m", "services.farm.migrate"]
    return ["python", "-m", "pamtalk.migrate", name]


def version() -> str:
    with open(ROOT / "pyproject.toml", "rb") as fh:
        return str(tomllib.load(fh)["project"]["version"])


def image(name: str) -> str:
    """The repository (no tag) of a first-party image; tags are set by the overlays."""
    return f"{REGISTRY}/{name}"


# Third-party images, pinned to an exact release.
PYTHON_IMAGE = "python:3.11.11-slim-bookworm"
NGINX_IMAGE = "nginx:1.27.3-alpine"
NGINX_EXPORTER_IMAGE = "nginx/nginx-prometheus-exporter:1.3.0"
POSTGRES_IMAGE = "postgres:16.6-alpine"
REDIS_IMAGE = "redis:7.4.1-alpine"
RABBITMQ_IMAGE = "rabbitmq:3.13.7-management-alpine"
PROMETHEUS_IMAGE = "prom/prometheus:v2.55.1"
BLACKBOX_IMAGE = "prom/blackbox-exporter:v0.25.0"
GRAFANA_IMAGE = "grafana/grafana:11.4.0"
JAEGER_IMAGE = "jaegertracing/all-in-one:1.62.0"

# The source plan's numbers (phase 3): the gateway's nginx and the migration Jobs.
REQUESTS = {"cpu": "250m", "memory": "256Mi"}
LIMITS = {"cpu": "500m", "memory": "512Mi"}
HPA_MIN, HPA_MAX = 3, 50
HPA_CPU, HPA_MEMORY = 70, 80

# Memory of one service container (one uvicorn worker, as the pods run), in MiB: (request,
# limit), from the memory benchmark (`python -m loadtests.memory`, docs/performance.md
# "Memory"). The request is what the container holds once the spike and a burst of 200
# logins are over (the RSS of its process, rounded up to 32 Mi: Python keeps what it
# touched); the limit is twice that, at least half again over the highest peak measured.
MEMORY_MI: dict[str, tuple[int, int]] = {
    "user": (128, 256),  # 115 MB after the burst; peak ~153 with two argon2id hashes in flight
    "farm": (128, 256),  # 114 after the spike
    "prediction": (192, 384),  # 171 after the spike: onnxruntime and the models
    "transaction": (128, 256),  # 118 after the spike
    "blockchain": (160, 320),  # 147: web3 and eth-account, loaded where anchoring runs
    "notification": (128, 256),  # 107 after the spike
}
# The HPA scales on CPU. A Python process does not give memory back when load falls, so a
# memory target below what a pod keeps would hold the HPA at its maximum for good: memory
# counts only as a safety net, when the pods average this share of their limit.
HPA_MEMORY_OF_LIMIT = 0.85


def service_resources(name: str, cpu_request: str = REQUESTS["cpu"]) -> dict[str, dict[str, str]]:
    request, limit = MEMORY_MI[name]
    return {
        "requests": {"cpu": cpu_request, "memory": f"{request}Mi"},
        "limits": {"cpu": LIMITS["cpu"], "memory": f"{limit}Mi"},
    }


def hpa_memory_target(name: str) -> int:
    """The HPA's memory target of a service, in percent of its request (as the HPA counts)."""
    request, limit = MEMORY_MI[name]
    return round(100 * HPA_MEMORY_OF_LIMIT * limit / request)


PROD_REPLICAS = 10
CANARY_STEPS = (5, 25, 50, 100)

# pyproject extras each service image installs on top of the base dependencies.
EXTRAS = {"prediction": "ml", "blockchain": "chain"}

# Where models load: these services get a long startup probe on /readyz.
SLOW_START = {"prediction": 300}  # seconds allowed before the first ready answer

# Secrets each service needs (the Secret templates hold placeholders only).
# REPLICA_URL: the read-only Service of the PostgreSQL cluster (k8s/data.py).
SHARED_SECRETS = ("DATABASE_URL", "REPLICA_URL", "REDIS_URL", "AMQP_URL")
EXTRA_SECRETS = {
    "user": ("JWT_PRIVATE_KEY",),
    # the anchor contract is not secret, but it is per deployment and required in production
    "blockchain": ("LEDGER_SIGNING_KEY", "CHAIN_PRIVATE_KEY", "CHAIN_RPC_URL", "ANCHOR_CONTRACT_ADDRESS"),
}

# Other services a service calls over HTTP inside the cluster (everyone verifies tokens
# against the user service's JWKS).
CALLS = {svc.name: ("user",) for svc in SERVICES if svc.name != "user"}


def secret_keys(svc: Service) -> list[str]:
    prefix = f"PAMTALK_{svc.name.upper()}_"
    return [prefix + key for key in (*SHARED_SECRETS, *EXTRA_SECRETS.get(svc.name, ()))]


def labels(name: str, component: str = "api", track: str | None = None) -> dict[str, str]:
    out = {
        "app.kubernetes.io/name": name,
        "app.kubernetes.io/part-of": "pamtalk",
        "app.kubernetes.io/component": component,
    }
    if track:
        out["pamtalk.io/track"] = track
    return out


def selector(name: str, track: str) -> dict[str, str]:
    return {"app.kubernetes.io/name": name, "pamtalk.io/track": track}
