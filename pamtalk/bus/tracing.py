"""OpenTelemetry spans around publish and consume, shared by both bus implementations.

Publishing opens a PRODUCER span and writes its context into the message headers (W3C
``traceparent`` by default, whatever ``OTEL_PROPAGATORS`` selects). When the caller already
passes a trace context in ``headers`` - the outbox relay does, with the context captured
when the event was written - that context is the parent, not the relay's own.
Consuming extracts the context from the headers and runs the handler in a CONSUMER span
``<queue> process``, so one trace follows a request through HTTP and the bus.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from opentelemetry import propagate, trace
from opentelemetry.trace import SpanKind

from pamtalk.events.envelope import Envelope

_tracer = trace.get_tracer("pamtalk.bus")


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


@contextmanager
def publish_span(
    system: str, exchange: str, envelope: Envelope, message_id: str, headers: Mapping[str, str] | None
) -> Iterator[dict[str, str]]:
    """Yield the headers to send: the given ones plus the trace context of a PRODUCER span."""
    carrier = dict(headers or {})
    parent = propagate.extract(carrier) if "traceparent" in carrier else None
    attributes = _event_attributes(system, exchange, envelope, message_id)
    attributes["messaging.operation"] = "publish"
    with _tracer.start_as_current_span(
        f"{exchange} publish", context=parent, kind=SpanKind.PRODUCER, attributes=attributes
    ):
        propagate.inject(carrier)
        yield carrier


@contextmanager
def consumer_span(
    system: str, queue: str, envelope: Envelope, message_id: str, headers: Mapping[str, str], attempt: int
) -> Iterator[trace.Span]:
    """Run the body in a CONSUMER span whose parent is the context carried in ``headers``.

    An exception raised in the body is recorded on the span (status ERROR) and re-raised.
    """
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
