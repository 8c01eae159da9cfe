"""Kubernetes objects of one API service: Deployment (stable and canary), Service, HPA,
PodDisruptionBudget, ServiceAccount, ConfigMap, Secret template and the migration Job."""

from __future__ import annotations

from typing import Any

from gateway.routes import Service, k8s_service_name
from k8s import config as c

Obj = dict[str, Any]

PRESTOP_SECONDS = 10  # endpoints and the gateway stop sending before the process is told
DRAIN_SECONDS = 25  # uvicorn --timeout-graceful-shutdown
GRACE_SECONDS = PRESTOP_SECONDS + DRAIN_SECONDS + 10


def meta(name: str, labels: dict[str, str], **extra: Any) -> Obj:
    return {"name": name, "namespace": c.NAMESPACE, "labels": labels, **extra}


def container_security() -> Obj:
    return {
        "allowPrivilegeEscalation": False,
        "readOnlyRootFilesystem": True,
        "runAsNonRoot": True,
        "capabilities": {"drop": ["ALL"]},
    }


def pod_security(uid: int) -> Obj:
    return {
        "runAsNonRoot": True,
        "runAsUser": uid,
        "runAsGroup": uid,
        "fsGroup": uid,
        "seccompProfile": {"type": "RuntimeDefault"},
    }


def spread(match: dict[str, str]) -> list[Obj]:
    """Spread replicas over zones and nodes (the prod overlay makes the zone rule hard)."""
    return [
        {
            "maxSkew": 1,
            "topologyKey": key,
            "whenUnsatisfiable": "ScheduleAnyway",
            "labelSelector": {"matchLabels": match},
            "matchLabelKeys": ["pod-template-hash"],
        }
        for key in ("topology.kubernetes.io/zone", "kubernetes.io/hostname")
    ]


def http_probe(path: str, port: str, period: int, failures: int, timeout: int = 2) -> Obj:
    return {
        "httpGet": {"path": path, "port": port},
        "periodSeconds": period,
        "timeoutSeconds": timeout,
        "failureThreshold": failures,
    }


def probes(svc: Service) -> Obj:
    slow = c.SLOW_START.get(svc.name)
    startup = http_probe("/readyz", "http", 5, slow // 5) if slow else http_probe("/livez", "http", 2, 30)
    return {
        "startupProbe": startup,
        "livenessProbe": http_probe("/livez", "http", 10, 3),
        "readinessProbe": {**http_probe("/readyz", "http", 5, 2), "successThreshold": 1},
    }


def app_container(svc: Service, image: str) -> Obj:
    return {
        "name": "app",
        "image": f"{image}:{c.version()}",
        "imagePullPolicy": "IfNotPresent",
        "ports": [{"name": "http", "containerPort": c.APP_PORT, "protocol": "TCP"}],
        "envFrom": [
            {"configMapRef": {"name": f"{svc.name}-config"}},
            {"secretRef": {"name": f"{svc.name}-secrets"}},
        ],
        "env": [
            {"name": "POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
            {"name": "OTEL_RESOURCE_ATTRIBUTES", "value": "k8s.pod.name=$(POD_NAME)"},
        ],
        "resources": c.service_resources(svc.name),
        **probes(svc),
        "lifecycle": {"preStop": {"sleep": {"seconds": PRESTOP_SECONDS}}},
        "securityContext": container_security(),
        "volumeMounts": [{"name": "tmp", "mountPath": "/tmp"}],
    }


def deployment(svc: Service, track: str) -> Obj:
    name = svc.name if track == "stable" else f"{svc.name}-canary"
    pod_labels = c.labels(svc.name, track=track)
    replicas = c.HPA_MIN if track == "stable" else 0  # the canary idles at 0 between roll-outs
    # the canary's image is an alias every overlay maps to the service's repository and the
    # canary tag (a kustomize image rule matches by name, so it needs a name of its own)
    image = c.image(svc.name) if track == "stable" else c.CANARY_ALIAS.format(name=svc.name)
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": meta(name, pod_labels),
        "spec": {
            "replicas": replicas,
            "revisionHistoryLimit": 5,
            "minReadySeconds": 5,
            "selector": {"matchLabels": c.selector(svc.name, track)},
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 0}},
            "template": {
                "metadata": {
                    "labels": pod_labels,
                    "annotations": {
                        "prometheus.io/scrape": "true",
                        "prometheus.io/port": str(c.APP_PORT),
                        "prometheus.io/path": "/metrics",
                    },
                },
                "spec": {
                    "serviceAccountName": svc.name,
                    "automountServiceAccountToken": False,
                    "terminationGracePeriodSeconds": GRACE_SECONDS,
                    "securityContext": pod_security(c.UID),
                    "topologySpreadConstraints": spread(c.selector(svc.name, track)),
                    "containers": [app_container(svc, image)],
                    "volumes": [{"name": "tmp", "emptyDir": {"sizeLimit": "64Mi"}}],
                },
            },
        },
    }


def service(svc: Service, track: str) -> Obj:
    """``pamtalk-<name>`` (and ``-canary``): the names the gateway's k8s config proxies to."""
    name = k8s_service_name(svc.name, canary=track == "canary")
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": meta(name, c.labels(svc.name, track=track)),
        "spec": {
            "type": "ClusterIP",
            "selector": c.selector(svc.name, track),
            "ports": [{"name": "http", "port": c.APP_PORT, "targetPort": "http", "protocol": "TCP"}],
        },
    }


def hpa(
    name: str,
    labels: dict[str, str],
    low: int = c.HPA_MIN,
    high: int = c.HPA_MAX,
    memory: int = c.HPA_MEMORY,
) -> Obj:
    def target(resource: str, percent: int) -> Obj:
        return {
            "type": "Resource",
            "resource": {"name": resource, "target": {"type": "Utilization", "averageUtilization": percent}},
        }

    return {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": meta(name, labels),
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": name},
            "minReplicas": low,
            "maxReplicas": high,
            "metrics": [target("cpu", c.HPA_CPU), target("memory", memory)],
            "behavior": {
                # the spike scenario reaches full load within 30 s: scale up at once
                "scaleUp": {
                    "stabilizationWindowSeconds": 0,
                    "selectPolicy": "Max",
                    "policies": [
                        {"type": "Percent", "value": 100, "periodSeconds": 30},
                        {"type": "Pods", "value": 4, "periodSeconds": 30},
                    ],
                },
                "scaleDown": {
                    "stabilizationWindowSeconds": 300,
                    "policies": [{"type": "Percent", "value": 20, "periodSeconds": 60}],
                },
            },
        },
    }


def pdb(name: str, labels: dict[str, str], match: dict[str, str]) -> Obj:
    return {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": meta(name, labels),
        "spec": {
            "maxUnavailable": 1,
            "selector": {"matchLabels": match},
            "unhealthyPodEvictionPolicy": "AlwaysAllow",
        },
    }


def service_account(svc: Service) -> Obj:
    return {
        "apiVersion": "v1",
        "kind": "ServiceAccount",
        "metadata": meta(svc.name, c.labels(svc.name, component="config")),
        "automountServiceAccountToken": False,
    }


def config_map(svc: Service) -> Obj:
    data = {
        "PAMTALK_ENV": "production",
        "PAMTALK_BUS": "amqp",
        "PAMTALK_JWKS_URL": f"http://{k8s_service_name('user')}.{c.NAMESPACE}.svc:{c.APP_PORT}/.well-known/jwks.json",
        "PAMTALK_LOG_JSON": "true",
        "PAMTALK_LOG_LEVEL": "INFO",
        # one process per pod: the pod is the unit the HPA scales (see docs/kubernetes.md)
        "WEB_CONCURRENCY": "1",
        "OTEL_SERVICE_NAME": f"{svc.name}-service",
        "OTEL_TRACES_EXPORTER": "otlp",
        "OTEL_EXPORTER_OTLP_ENDPOINT": f"http://otel-collector.{c.TRACING_NAMESPACE}.svc:4318",
        "OTEL_PROPAGATORS": "tracecontext,baggage",
    }
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": meta(f"{svc.name}-config", c.labels(svc.name, component="config")),
        "data": data,
    }


PLACEHOLDER = "REPLACE-ME"


def secret_template(svc: Service) -> Obj:
    """Shape of the Secret the service reads; values are placeholders, never real."""
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": meta(f"{svc.name}-secrets", c.labels(svc.name, component="config")),
        "type": "Opaque",
        "stringData": {key: PLACEHOLDER for key in c.secret_keys(svc)},
    }


def migration_job(svc: Service) -> Obj:
    """Runs before a new version serves (``k8s/deploy.sh``). It runs the migration image
    (the kit and every service's migrations) at the service's newest version in the
    environment: the canary's while one is out, else stable's (the overlays map the alias
    ``migrate/<service>`` to it), so a canary's expand-only migrations are applied before
    its first pod starts."""
    labels = c.labels(svc.name, component="migration")
    container = {
        "name": "migrate",
        "image": f"{c.MIGRATE_ALIAS.format(name=svc.name)}:{c.version()}",
        "imagePullPolicy": "IfNotPresent",
        "command": c.migration_command(svc.name),
        "envFrom": [
            {"configMapRef": {"name": f"{svc.name}-config"}},
            {"secretRef": {"name": f"{svc.name}-secrets"}},
        ],
        "resources": {"requests": dict(c.REQUESTS), "limits": dict(c.LIMITS)},
        "securityContext": container_security(),
        "volumeMounts": [{"name": "tmp", "mountPath": "/tmp"}],
    }
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": meta(f"{svc.name}-migrate", labels),
        "spec": {
            "backoffLimit": 3,
            "activeDeadlineSeconds": 600,
            "ttlSecondsAfterFinished": 86400,
            "template": {
                "metadata": {"labels": labels},
                "spec": {
                    "restartPolicy": "Never",
                    "serviceAccountName": svc.name,
                    "automountServiceAccountToken": False,
                    "securityContext": pod_security(c.UID),
                    "containers": [container],
                    "volumes": [{"name": "tmp", "emptyDir": {"sizeLimit": "64Mi"}}],
                },
            },
        },
    }


def service_objects(svc: Service) -> list[Obj]:
    """Everything of one service except its Secret (a template, applied by hand)."""
    out: list[Obj] = [service_account(svc), config_map(svc)]
    for track in ("stable", "canary"):
        name = svc.name if track == "stable" else f"{svc.name}-canary"
        labels = c.labels(svc.name, track=track)
        low = c.HPA_MIN if track == "stable" else 1
        out += [
            service(svc, track),
            deployment(svc, track),
            hpa(name, labels, low=low, memory=c.hpa_memory_target(svc.name)),
            pdb(name, labels, c.selector(svc.name, track)),
        ]
    return out
