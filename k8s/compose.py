"""``compose.yaml``: the whole stack in containers, from the route table.

PostgreSQL, Redis and RabbitMQ; a migration container and the API container of every
service (replicas as in the route table); the nginx gateway (the only published API port,
``GATEWAY_PORT``) with its metrics exporter; Prometheus (+ blackbox probes of ``/readyz``),
Grafana with the dashboard provisioned, and Jaeger receiving OTLP traces.
"""

from __future__ import annotations

from typing import Any

from gateway.routes import GATEWAY_PORT, SERVICES, Service
from k8s import config as c
from k8s.gateway import EXPORTER_PORT, STATUS_PORT

Obj = dict[str, Any]

PG_URL = "postgresql+asyncpg://pamtalk:${POSTGRES_PASSWORD:-pamtalk-dev}@postgres:5432/pamtalk"
AMQP_URL = "amqp://pamtalk:${RABBITMQ_PASSWORD:-pamtalk-dev}@rabbitmq:5672/"
VERSION = "${PAMTALK_VERSION:-%s}"
# The port is the image's UVICORN_PORT (8000 unless an overlay moves it).
READY_CHECK = (
    "import os, urllib.request; urllib.request.urlopen("
    f"'http://127.0.0.1:' + os.environ.get('UVICORN_PORT', '{c.APP_PORT}') + '/readyz', timeout=2)"
)


def healthy(*names: str) -> Obj:
    return {name: {"condition": "service_healthy"} for name in names}


def hardening() -> Obj:
    return {
        "read_only": True,
        "tmpfs": ["/tmp"],
        "cap_drop": ["ALL"],
        "security_opt": ["no-new-privileges:true"],
    }


def service_env(svc: Service) -> list[str]:
    """``NAME=value`` pairs, then bare names: secrets passed through from the host if set."""
    prefix = f"PAMTALK_{svc.name.upper()}_"
    pairs = {
        "PAMTALK_ENV": "${PAMTALK_ENV:-development}",
        f"{prefix}DATABASE_URL": PG_URL,
        "PAMTALK_REDIS_URL": "redis://redis:6379/0",
        "PAMTALK_AMQP_URL": AMQP_URL,
        "PAMTALK_BUS": "amqp",
        "PAMTALK_JWKS_URL": f"http://user:{c.APP_PORT}/.well-known/jwks.json",
        "PAMTALK_PUBLIC_BASE_URL": f"http://localhost:{GATEWAY_PORT}",
        "WEB_CONCURRENCY": "2",
        "OTEL_SERVICE_NAME": f"{svc.name}-service",
        "OTEL_TRACES_EXPORTER": "otlp",
        "OTEL_EXPORTER_OTLP_ENDPOINT": "http://jaeger:4318",
    }
    secrets = [prefix + key for key in c.EXTRA_SECRETS.get(svc.name, ())]
    return [f"{k}={v}" for k, v in pairs.items()] + secrets


def build(svc: Service) -> Obj:
    return {"context": ".", "dockerfile": f"services/{svc.name}/Dockerfile"}


def image_ref(name: str) -> str:
    return f"{c.image(name)}:{VERSION % c.version()}"


def app_services() -> dict[str, Obj]:
    out: dict[str, Obj] = {}
    for svc in SERVICES:
        env = service_env(svc)
        out[f"{svc.name}-migrate"] = {
            "build": {"context": ".", "dockerfile": c.MIGRATE_DOCKERFILE},
            "image": image_ref(c.MIGRATE),
            "command": ["python", "-m", "pamtalk.migrate", svc.name],
            "environment": env,
            "depends_on": healthy("postgres"),
            "restart": "on-failure",
            **hardening(),
        }
        start = c.SLOW_START.get(svc.name, 30)
        out[svc.name] = {
            "build": build(svc),
            "image": image_ref(svc.name),
            "environment": env,
            "expose": [str(c.APP_PORT)],
            "depends_on": {
                f"{svc.name}-migrate": {"condition": "service_completed_successfully"},
                **healthy("redis", "rabbitmq"),
            },
            "healthcheck": {
                "test": ["CMD", "python", "-c", READY_CHECK],
                "interval": "10s",
                "timeout": "3s",
                "retries": 3,
                "start_period": f"{start}s",
            },
            "deploy": {
                "replicas": svc.replicas,
                "resources": {
                    "limits": {"cpus": "0.5", "memory": "512M"},
                    "reservations": {"cpus": "0.25", "memory": "256M"},
                },
            },
            "stop_grace_period": "35s",
            "restart": "unless-stopped",
            **hardening(),
        }
    return out


def infra_services() -> dict[str, Obj]:
    return {
        "postgres": {
            "image": c.POSTGRES_IMAGE,
            # 6 services x 2 workers x (pool 10 + overflow 10), plus migrations and psql
            "command": ["postgres", "-c", "max_connections=300"],
            "environment": [
                "POSTGRES_USER=pamtalk",
                "POSTGRES_PASSWORD=${POSTGRES_PASSWORD:-pamtalk-dev}",
                "POSTGRES_DB=pamtalk",
            ],
            "volumes": ["pgdata:/var/lib/postgresql/data"],
            "healthcheck": {
                "test": ["CMD-SHELL", "pg_isready -U pamtalk -d pamtalk"],
                "interval": "5s",
                "timeout": "3s",
                "retries": 20,
            },
            "restart": "unless-stopped",
        },
        "redis": {
            "image": c.REDIS_IMAGE,
            "command": [
                "redis-server",
                "--save",
                "",
                "--appendonly",
                "no",
                "--maxmemory",
                "256mb",
                "--maxmemory-policy",
                "allkeys-lru",
            ],
            "healthcheck": {
                "test": ["CMD", "redis-cli", "ping"],
                "interval": "5s",
                "timeout": "3s",
                "retries": 20,
            },
            "restart": "unless-stopped",
        },
        "rabbitmq": {
            "image": c.RABBITMQ_IMAGE,
            "environment": [
                "RABBITMQ_DEFAULT_USER=pamtalk",
                "RABBITMQ_DEFAULT_PASS=${RABBITMQ_PASSWORD:-pamtalk-dev}",
            ],
            "volumes": [
                "./monitoring/rabbitmq/enabled_plugins:/etc/rabbitmq/enabled_plugins:ro",
                "rabbitmq-data:/var/lib/rabbitmq",
            ],
            "ports": ["127.0.0.1:15672:15672"],
            "healthcheck": {
                "test": ["CMD", "rabbitmq-diagnostics", "-q", "ping"],
                "interval": "10s",
                "timeout": "5s",
                "retries": 20,
            },
            "restart": "unless-stopped",
        },
    }


def edge_services() -> dict[str, Obj]:
    return {
        "gateway": {
            "build": {"context": ".", "dockerfile": "gateway/Dockerfile", "args": {"TARGET": "compose"}},
            "image": image_ref("gateway"),
            "ports": [f"{GATEWAY_PORT}:{GATEWAY_PORT}"],
            "depends_on": {svc.name: {"condition": "service_started"} for svc in SERVICES},
            "restart": "unless-stopped",
            **hardening(),
            "tmpfs": ["/tmp", "/tmp/nginx"],
        },
        "gateway-exporter": {
            "image": c.NGINX_EXPORTER_IMAGE,
            "command": [f"--nginx.scrape-uri=http://gateway:{STATUS_PORT}/stub_status"],
            "expose": [str(EXPORTER_PORT)],
            "depends_on": {"gateway": {"condition": "service_started"}},
            "restart": "unless-stopped",
        },
    }


def observability_services() -> dict[str, Obj]:
    return {
        "prometheus": {
            "image": c.PROMETHEUS_IMAGE,
            "command": [
                "--config.file=/etc/prometheus/prometheus.yml",
                "--storage.tsdb.path=/prometheus",
                "--storage.tsdb.retention.time=15d",
                "--web.enable-lifecycle",
            ],
            "volumes": [
                "./monitoring/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro",
                "./monitoring/prometheus/rules:/etc/prometheus/rules:ro",
                "prometheus-data:/prometheus",
            ],
            "ports": ["127.0.0.1:9090:9090"],
            "restart": "unless-stopped",
        },
        "blackbox": {
            "image": c.BLACKBOX_IMAGE,
            "command": ["--config.file=/etc/blackbox/blackbox.yml"],
            "volumes": ["./monitoring/blackbox/blackbox.yml:/etc/blackbox/blackbox.yml:ro"],
            "expose": ["9115"],
            "restart": "unless-stopped",
        },
        "grafana": {
            "image": c.GRAFANA_IMAGE,
            "environment": [
                "GF_SECURITY_ADMIN_PASSWORD=${GRAFANA_ADMIN_PASSWORD:-admin}",
                "GF_USERS_ALLOW_SIGN_UP=false",
                "GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH=/etc/grafana/dashboards/pamtalk.json",
            ],
            "volumes": [
                "./monitoring/grafana/provisioning:/etc/grafana/provisioning:ro",
                "./monitoring/grafana/dashboards:/etc/grafana/dashboards:ro",
                "grafana-data:/var/lib/grafana",
            ],
            "ports": ["127.0.0.1:3000:3000"],
            "depends_on": {"prometheus": {"condition": "service_started"}},
            "restart": "unless-stopped",
        },
        "jaeger": {
            "image": c.JAEGER_IMAGE,
            "environment": ["COLLECTOR_OTLP_ENABLED=true"],
            "expose": ["4317", "4318"],
            "ports": ["127.0.0.1:16686:16686"],
            "restart": "unless-stopped",
        },
    }


def compose() -> Obj:
    return {
        "services": {**infra_services(), **app_services(), **edge_services(), **observability_services()},
        "volumes": {name: {} for name in ("pgdata", "rabbitmq-data", "prometheus-data", "grafana-data")},
    }
