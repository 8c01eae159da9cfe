"""OpenTelemetry spans around publish and consume, shared by both bus implementations.

Publishing opens a PRODUCER span and writes its context into the message headers (W3C
``traceparent`` by default, whatever ``OTEL_PROPAGATORS`` selects). When the caller already
passes a trace context in ``headers`` - the outbox relay does, with the context captured
when the event was written - that context is the parent, not the relay's own.
Consuming extracts the context from the headers and runs the handler in a CONSUMER span
``<queue> process``, so one trace follows a request through HTTP and the bus.

With tracing off (no tracer provider installed) no span is made: a no-op span would record
nothing, so only what it would pass on is kept - the context carried in the headers (a
consumer still runs inside it, so the events it writes carry it on) and the headers as given.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from opentelemetry import context, propagate, trace
from opentelemetry.trace import INVALID_SPAN, SpanKind

from pamtalk.events.envelope import Envelope

_tracer = trace.get_tracer("pamtalk.bus")
_NO_PROVIDER = (trace.ProxyTracerProvider, trace.NoOpTracerProvider)


def tracing_active() -> bool:
    """True when a tracer provider is installed (spans are recorded)."""
    return not isinstance(trace.get_tracer_provider(), _NO_PROVIDER)


def _event_attributes(system: str, destination: str, envelope: Envelope, message_id: str) -> dict[str, str]:
    return {
        "messaging.system": system,
        "messaging.destination": destination,
        "messaging.destination.name": destination,
        "messaging.message.id": message_id,
        "messaging.rabbitmq.destination.routing_key": envelope.type,
        "pamtalk.event.type": envelope.type,
        "pamtalk.event.id": str(envelope.event_id),
    }


def _start_publish_span(
    system: str, exchange: str, envelope: Envelope, message_id: str, headers: Mapping[str, str] | None
) -> tuple[trace.Span, dict[str, str]]:
    """A PRODUCER span and the headers to send: the given ones plus the span's trace context.
    With tracing off: no span, and the current context is added unless the headers carry one."""
    carrier = dict(headers or {})
    if not tracing_active():
        if "traceparent" not in carrier:
            propagate.inject(carrier)
        return INVALID_SPAN, carrier
    parent = propagate.extract(carrier) if "traceparent" in carrier else None
    attributes = _event_attributes(system, exchange, envelope, message_id)
    attributes["messaging.operation"] = "publish"
    span = _tracer.start_span(
        f"{exchange} publish", context=parent, kind=SpanKind.PRODUCER, attributes=attributes
    )
    propagate.inject(carrier, context=trace.set_span_in_context(span))
    return span, carrier


@contextmanager
def publish_span(
    system: str, exchange: str, envelope: Envelope, message_id: str, headers: Mapping[str, str] | None
) -> Iterator[dict[str, str]]:
    """Yield the headers to send: the given ones plus the trace context of a PRODUCER span."""
    span, carrier = _start_publish_span(system, exchange, envelope, message_id, headers)
    if span is INVALID_SPAN:
        yield carrier
        return
    with trace.use_span(span, end_on_exit=True):
        yield carrier


@contextmanager
def consumer_span(
    system: str, queue: str, envelope: Envelope, message_id: str, headers: Mapping[str, str], attempt: int
) -> Iterator[trace.Span]:
    """Run the body in a CONSUMER span whose parent is the context carried in ``headers``.

    An exception raised in the body is recorded on the span (status ERROR) and re-raised.
    """
    if not tracing_active():
        if "traceparent" not in headers:
            yield INVALID_SPAN
            return
        carried = trace.get_current_span(propagate.extract(headers))
        token = context.attach(trace.set_span_in_context(carried))
        try:
            yield carried
        finally:
            context.detach(token)
        return
    attributes: dict[str, str | int] = {**_event_attributes(system, queue, envelope, message_id)}
    attributes["messaging.operation"] = "process"
    attributes["pamtalk.delivery.attempt"] = attempt
    with _tracer.start_as_current_span(
        f"{queue} process",
        context=propagate.extract(dict(headers)),
        kind=SpanKind.CONSUMER,
        attributes=attributes,
    ) as span:
        yield span
