"""The nginx gateway in Kubernetes: its configuration (rendered from the route table by
``gateway/render.py``), Deployment with a metrics exporter, Service, HPA, PDB and Ingress."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from gateway.render import STATUS_PORT
from gateway.routes import GATEWAY_PORT
from k8s import config as c
from k8s.workloads import GRACE_SECONDS, PRESTOP_SECONDS, container_security, hpa, meta, pdb, pod_security

Obj = dict[str, Any]

NAME = "gateway"
CONF_KEY = "nginx.conf"
# The ConfigMap is mounted as a folder (a subPath mount of a ConfigMap never sees an update,
# and podman's kube play cannot mount one) and nginx is started on the file in it.
CONF_DIR = "/etc/pamtalk-gateway"
CONF_ANNOTATION = "pamtalk.io/nginx-conf-sha256"
HEALTH = "/healthz"  # answered by nginx itself
# STATUS_PORT: stub_status for the exporter, inside the pod only (served by the rendered nginx.conf)
EXPORTER_PORT = 9113
HOST = "api.pamtalk.example"
TLS_SECRET = "pamtalk-gateway-tls"


def nginx_conf(canary_weights: Mapping[str, int] | None = None) -> str:
    """The k8s target of the gateway renderer (the route table is its only input)."""
    from gateway.render import render

    return render("k8s", canary_weights=dict(canary_weights) if canary_weights else None)


def conf_digest(conf: str) -> str:
    return hashlib.sha256(conf.encode()).hexdigest()


def config_map(conf: str) -> Obj:
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": meta(f"{NAME}-nginx", c.labels(NAME, component="config")),
        "data": {CONF_KEY: conf},
    }


def deployment(conf: str) -> Obj:
    labels = c.labels(NAME, component="gateway", track="stable")
    match = c.selector(NAME, "stable")
    nginx = {
        "name": "nginx",
        "image": f"{c.image(NAME)}:{c.version()}",
        "imagePullPolicy": "IfNotPresent",
        "command": ["nginx", "-c", f"{CONF_DIR}/{CONF_KEY}", "-g", "daemon off;"],
        "ports": [{"name": "http", "containerPort": GATEWAY_PORT, "protocol": "TCP"}],
        "resources": {"requests": dict(c.REQUESTS), "limits": dict(c.LIMITS)},
        "startupProbe": {
            "httpGet": {"path": HEALTH, "port": "http"},
            "periodSeconds": 2,
            "failureThreshold": 15,
        },
        "livenessProbe": {
            "httpGet": {"path": HEALTH, "port": "http"},
            "periodSeconds": 10,
            "failureThreshold": 3,
        },
        "readinessProbe": {
            "httpGet": {"path": HEALTH, "port": "http"},
            "periodSeconds": 5,
            "timeoutSeconds": 2,
            "failureThreshold": 2,
        },
        "lifecycle": {"preStop": {"sleep": {"seconds": PRESTOP_SECONDS}}},
        "securityContext": container_security(),
        "volumeMounts": [
            {"name": "conf", "mountPath": CONF_DIR, "readOnly": True},
            # pid, temp files and the edge cache live under /tmp/nginx (see gateway/render.py)
            {"name": "tmp", "mountPath": "/tmp"},
            {"name": "nginx-tmp", "mountPath": "/tmp/nginx"},
        ],
    }
    exporter = {
        "name": "exporter",
        "image": c.NGINX_EXPORTER_IMAGE,
        "imagePullPolicy": "IfNotPresent",
        "args": [f"--nginx.scrape-uri=http://127.0.0.1:{STATUS_PORT}/stub_status"],
        "ports": [{"name": "metrics", "containerPort": EXPORTER_PORT, "protocol": "TCP"}],
        "resources": {
            "requests": {"cpu": "10m", "memory": "16Mi"},
            "limits": {"cpu": "100m", "memory": "64Mi"},
        },
        "livenessProbe": {"httpGet": {"path": "/metrics", "port": "metrics"}, "periodSeconds": 20},
        "readinessProbe": {"httpGet": {"path": "/metrics", "port": "metrics"}, "periodSeconds": 10},
        "securityContext": container_security(),
    }
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": meta(NAME, labels),
        "spec": {
            "replicas": c.HPA_MIN,
            "revisionHistoryLimit": 5,
            "minReadySeconds": 5,
            "selector": {"matchLabels": match},
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 0}},
            "template": {
                "metadata": {
                    "labels": labels,
                    "annotations": {
                        # a new configuration (e.g. a canary weight) rolls the gateway pods
                        CONF_ANNOTATION: conf_digest(conf),
                        "prometheus.io/scrape": "true",
                        "prometheus.io/port": str(EXPORTER_PORT),
                        "prometheus.io/path": "/metrics",
                    },
                },
                "spec": {
                    "automountServiceAccountToken": False,
                    "serviceAccountName": NAME,
                    "terminationGracePeriodSeconds": GRACE_SECONDS,
                    "securityContext": pod_security(c.NGINX_UID),
                    "topologySpreadConstraints": [
                        {
                            "maxSkew": 1,
                            "topologyKey": key,
                            "whenUnsatisfiable": "ScheduleAnyway",
                            "labelSelector": {"matchLabels": match},
                            "matchLabelKeys": ["pod-template-hash"],
                        }
                        for key in ("topology.kubernetes.io/zone", "kubernetes.io/hostname")
                    ],
                    "containers": [nginx, exporter],
                    "volumes": [
                        {"name": "conf", "configMap": {"name": f"{NAME}-nginx"}},
                        {"name": "tmp", "emptyDir": {"sizeLimit": "16Mi"}},
                        {"name": "nginx-tmp", "emptyDir": {"sizeLimit": "512Mi"}},
                    ],
                },
            },
        },
    }


def service() -> Obj:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": meta(NAME, c.labels(NAME, component="gateway")),
        "spec": {
            "type": "ClusterIP",
            "selector": c.selector(NAME, "stable"),
            "ports": [{"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"}],
        },
    }


def service_account() -> Obj:
    return {
        "apiVersion": "v1",
        "kind": "ServiceAccount",
        "metadata": meta(NAME, c.labels(NAME, component="config")),
        "automountServiceAccountToken": False,
    }


def ingress(host: str = HOST) -> Obj:
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": meta(
            NAME,
            c.labels(NAME, component="gateway"),
            annotations={
                "cert-manager.io/cluster-issuer": "letsencrypt",
                "nginx.ingress.kubernetes.io/proxy-body-size": "1m",
                # SSE streams (/api/v1/notifications/stream) stay open
                "nginx.ingress.kubernetes.io/proxy-read-timeout": "3600",
                "nginx.ingress.kubernetes.io/proxy-buffering": "off",
            },
        ),
        "spec": {
            "ingressClassName": "nginx",
            "tls": [{"hosts": [host], "secretName": TLS_SECRET}],
            "rules": [
                {
                    "host": host,
                    "http": {
                        "paths": [
                            {
                                "path": "/",
                                "pathType": "Prefix",
                                "backend": {"service": {"name": NAME, "port": {"name": "http"}}},
                            }
                        ]
                    },
                }
            ],
        },
    }


def gateway_objects(conf: str) -> list[Obj]:
    labels = c.labels(NAME, component="gateway", track="stable")
    return [
        service_account(),
        config_map(conf),
        service(),
        deployment(conf),
        hpa(NAME, labels, low=c.HPA_MIN, high=20),
        pdb(NAME, labels, c.selector(NAME, "stable")),
        ingress(),
    ]
