"""Prometheus metrics with the source plan's names. Defined once for the process, labelled
by service, so that the embedded mode (six services in one process) shares one registry."""

from __future__ import annotations

from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest
from starlette.requests import Request
from starlette.responses import Response

REQUEST_DURATION = Histogram(
    "request_duration_seconds",
    "Time to answer an HTTP request",
    ["service", "method", "route", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0),
)
REQUEST_TOTAL = Counter("request_total", "HTTP requests answered", ["service", "method", "route", "status"])
ACTIVE_USERS = Gauge("active_users_gauge", "Users with a live session (last 30 minutes)", ["service"])
DB_POOL = Gauge("database_connection_pool", "Database pool connections", ["service", "state"])
QUEUE_LENGTH = Gauge("queue_length", "Messages waiting in a queue of the event bus", ["queue"])
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
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
