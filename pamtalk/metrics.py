"""Prometheus metrics with the source plan's names. Defined once for the process, labelled
by service, so that the embedded mode (six services in one process) shares one registry.

With several worker processes (``uvicorn --workers N``) set ``PROMETHEUS_MULTIPROC_DIR``
to an empty folder shared by the workers: every scrape then reports the sum over all
workers (prometheus_client's multiprocess mode), not one random worker's numbers."""

from __future__ import annotations

import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from starlette.requests import Request
from starlette.responses import Response

REQUEST_DURATION = Histogram(
    "request_duration_seconds",
    "Time to answer an HTTP request",
    ["service", "method", "route", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0),
)
REQUEST_TOTAL = Counter("request_total", "HTTP requests answered", ["service", "method", "route", "status"])
ACTIVE_USERS = Gauge(
    "active_users_gauge", "Users with a live session (last 30 minutes)", ["service"], multiprocess_mode="max"
)
DB_POOL = Gauge(
    "database_connection_pool", "Database pool connections", ["service", "state"], multiprocess_mode="livesum"
)
DB_READS = Counter(
    "database_reads_total",
    "Database reads by the role asked (primary, replica) and the server that served them",
    ["service", "role", "target"],
)
REPLICA_LAG = Gauge(
    "database_replica_lag_seconds",
    "How far the read replica lags its primary (seconds, to one watch period)",
    ["service"],
    multiprocess_mode="max",
)
REPLICA_UP = Gauge(
    "database_replica_up",
    "Whether the read replica answers (1) or not (0)",
    ["service"],
    multiprocess_mode="min",
)
QUEUE_LENGTH = Gauge(
    "queue_length", "Messages waiting in a queue of the event bus", ["queue"], multiprocess_mode="max"
)
DEPENDENCY_UP = Gauge(
    "dependency_up",
    "Whether a backing service answers this service (1) or not (0); readiness ignores it",
    ["service", "dependency"],
    multiprocess_mode="min",
)
EVENTS_HANDLED = Counter(
    "events_handled_total", "Events handled by consumers", ["service", "queue", "outcome"]
)
MODEL_INFERENCE = Histogram(
    "model_inference_seconds",
    "Time of one model call (a micro-batch)",
    ["model"],
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0),
)


async def metrics_endpoint(request: Request) -> Response:
    refresh = getattr(request.app.state, "refresh_metrics", None)
    if refresh is not None:
        await refresh()
    return Response(generate_latest(_registry()), media_type=CONTENT_TYPE_LATEST)


def _registry() -> CollectorRegistry:
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return REGISTRY
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    return registry
