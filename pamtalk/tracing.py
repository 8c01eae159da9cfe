"""OpenTelemetry tracing. Enabled by the standard ``OTEL_*`` variables (for example
``OTEL_TRACES_EXPORTER=otlp`` with ``OTEL_EXPORTER_OTLP_ENDPOINT``, or ``console``); off
otherwise, so it costs nothing when nobody collects traces. HTTP requests get server spans
(ASGI instrumentation); events carry the context in AMQP headers (see the bus)."""

from __future__ import annotations

import os

from fastapi import FastAPI
from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter, SpanExporter

_configured = False


def tracing_enabled() -> bool:
    exporter = os.environ.get("OTEL_TRACES_EXPORTER", "")
    return exporter not in ("", "none") or bool(os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT"))


def _exporter() -> SpanExporter:
    kind = os.environ.get("OTEL_TRACES_EXPORTER", "otlp")
    if kind == "console":
        return ConsoleSpanExporter()
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

    return OTLPSpanExporter()


def configure_tracing(service: str) -> None:
    """Install a tracer provider once per process (service name from OTEL_SERVICE_NAME or ours)."""
    global _configured
    if _configured or not tracing_enabled():
        return
    name = os.environ.get("OTEL_SERVICE_NAME", f"pamtalk-{service}")
    provider = TracerProvider(resource=Resource.create({"service.name": name}))
    provider.add_span_processor(BatchSpanProcessor(_exporter()))
    trace.set_tracer_provider(provider)
    _configured = True


def instrument(app: FastAPI) -> None:
    """Add server spans as the outermost middleware (so logs and metrics see the trace)."""
    if not tracing_enabled():
        return
    from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware

    app.add_middleware(OpenTelemetryMiddleware, excluded_urls="livez,readyz,metrics")
