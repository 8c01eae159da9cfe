"""One trace follows a request through HTTP, the outbox and the event bus: the consumer of
the event a request caused works inside the request's trace."""

from __future__ import annotations

import uuid

import pytest
from opentelemetry.trace import SpanKind

from pamtalk.bus.memory import MemoryBus
from services.user.app import create_app
from tests.conftest import service_client
from tests.kit.bus_support import spans
from tests.waiting import wait_until

pytestmark = pytest.mark.integration
__all__ = ["spans"]


async def test_signup_event_is_consumed_in_the_requests_trace(
    database_url, redis_url, tokens, spans, monkeypatch
) -> None:
    monkeypatch.setenv("OTEL_TRACES_EXPORTER", "console")  # tracing on: the app adds server spans
    bus = MemoryBus(retry_delays=(0.01,))
    consumed: list[str] = []

    async def consumer(envelope, headers) -> None:
        consumed.append(envelope.data["email"])

    bus.consume("notification_events", consumer)
    async with service_client(
        create_app,
        service="user",
        database_url=database_url,
        redis_url=redis_url,
        tokens=tokens,
        bus=bus,
        outbox_poll_seconds=0.05,
    ) as (client, _):
        email = f"trace-{uuid.uuid4().hex[:8]}@pamtalk.kr"
        response = await client.post(
            "/api/v1/auth/signup",
            json={"email": email, "password": "a long password", "display_name": "T", "role": "consumer"},
        )
        assert response.status_code == 201
        await wait_until(lambda: email in consumed, within=5)
        await wait_until(lambda: any(s.kind is SpanKind.CONSUMER for s in spans.get_finished_spans()))

    finished = spans.get_finished_spans()
    server = [s for s in finished if s.kind is SpanKind.SERVER and "/api/v1/auth/signup" in s.name]
    consumer_spans = [s for s in finished if s.kind is SpanKind.CONSUMER]
    assert server and consumer_spans
    trace_id = server[0].context.trace_id
    assert any(s.context.trace_id == trace_id for s in consumer_spans), (
        "the consumer ran outside the request's trace"
    )
