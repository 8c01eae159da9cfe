"""Prometheus configurations: ``monitoring/prometheus/prometheus.yml`` (the compose stack) and
``prometheus-k8s.yml`` (in-cluster, by pod discovery). Both scrape every service's
``/metrics``, the gateway's exporter and RabbitMQ, and load the same alert rules."""

from __future__ import annotations

from typing import Any

from gateway.routes import SERVICES
from k8s import config as c
from k8s.gateway import EXPORTER_PORT

Obj = dict[str, Any]
RULES = ["/etc/prometheus/rules/*.yml"]
GLOBAL = {"scrape_interval": "15s", "evaluation_interval": "15s", "external_labels": {"platform": "pamtalk"}}


def compose_config() -> Obj:
    names = [svc.name for svc in SERVICES]
    return {
        "global": GLOBAL,
        "rule_files": RULES,
        "scrape_configs": [
            {
                # every replica: Docker's DNS answers a service name with all its containers
                "job_name": "pamtalk-services",
                "dns_sd_configs": [
                    {"names": names, "type": "A", "port": c.APP_PORT, "refresh_interval": "15s"}
                ],
                "relabel_configs": [
                    {"source_labels": ["__meta_dns_name"], "target_label": "compose_service"},
                ],
            },
            {
                # readiness as Prometheus sees it: blackbox probes of each service's /readyz
                "job_name": "pamtalk-readyz",
                "metrics_path": "/probe",
                "params": {"module": ["http_2xx"]},
                "static_configs": [
                    {"targets": [f"http://{n}:{c.APP_PORT}/readyz"], "labels": {"service": n}} for n in names
                ],
                "relabel_configs": [
                    {"source_labels": ["__address__"], "target_label": "__param_target"},
                    {"source_labels": ["__param_target"], "target_label": "instance"},
                    {"target_label": "__address__", "replacement": "blackbox:9115"},
                ],
            },
            {"job_name": "gateway", "static_configs": [{"targets": [f"gateway-exporter:{EXPORTER_PORT}"]}]},
            {"job_name": "rabbitmq", "static_configs": [{"targets": ["rabbitmq:15692"]}]},
            {"job_name": "prometheus", "static_configs": [{"targets": ["localhost:9090"]}]},
        ],
    }


def k8s_config() -> Obj:
    pod_sd = [{"role": "pod", "namespaces": {"names": [c.NAMESPACE]}}]
    annotated = [
        {
            "source_labels": ["__meta_kubernetes_pod_annotation_prometheus_io_scrape"],
            "regex": "true",
            "action": "keep",
        },
        {"source_labels": ["__meta_kubernetes_pod_phase"], "regex": "Running", "action": "keep"},
        {
            "source_labels": ["__address__", "__meta_kubernetes_pod_annotation_prometheus_io_port"],
            "regex": "([^:]+)(?::\\d+)?;(\\d+)",
            "replacement": "$1:$2",
            "target_label": "__address__",
        },
        {"source_labels": ["__meta_kubernetes_pod_name"], "target_label": "pod"},
        {"source_labels": ["__meta_kubernetes_pod_label_pamtalk_io_track"], "target_label": "track"},
    ]
    return {
        "global": GLOBAL,
        "rule_files": RULES,
        "scrape_configs": [
            {
                "job_name": "pamtalk-services",
                "kubernetes_sd_configs": pod_sd,
                "relabel_configs": [
                    {
                        "source_labels": ["__meta_kubernetes_pod_label_app_kubernetes_io_component"],
                        "regex": "api",
                        "action": "keep",
                    },
                    *annotated,
                ],
            },
            {
                "job_name": "gateway",
                "kubernetes_sd_configs": pod_sd,
                "relabel_configs": [
                    {
                        "source_labels": ["__meta_kubernetes_pod_label_app_kubernetes_io_component"],
                        "regex": "gateway",
                        "action": "keep",
                    },
                    *annotated,
                ],
            },
            {
                "job_name": "rabbitmq",
                "static_configs": [{"targets": [f"rabbitmq.{c.DATA_NAMESPACE}.svc:15692"]}],
            },
            {
                # readiness of Deployments (the ServiceNotReady alert)
                "job_name": "kube-state-metrics",
                "static_configs": [{"targets": [f"kube-state-metrics.{c.MONITORING_NAMESPACE}.svc:8080"]}],
            },
        ],
    }
