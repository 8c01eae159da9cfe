"""Fixtures for the bus tests: the same test runs against MemoryBus and AmqpBus.

Each AMQP test gets its own queue/exchange prefix, and its queues and exchange are deleted
afterwards, so runs never see each other's messages. Import the fixtures into a test module
(``from tests.kit.bus_support import new_bus, spans``).
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import aio_pika
import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from pamtalk.bus import AmqpBus, Bus, MemoryBus
from pamtalk.bus.topology import RETRY_DELAYS
from pamtalk.events.envelope import Envelope
from tests.services_available import AMQP_URL, require

DELAYS = (0.05, 0.1)

MakeBus = Callable[..., Awaitable[Bus]]


def envelope(type_: str = "transaction.settled", **data: Any) -> Envelope:
    return Envelope(type=type_, producer="test", data=data or {"n": 1})


async def delete_topology(prefix: str) -> None:
    names: set[str] = set()
    for delays in (DELAYS, RETRY_DELAYS):  # the DLQ CLI declares the default delays too
        names.update(AmqpBus(AMQP_URL, queue_prefix=prefix, retry_delays=delays).declared_queues())
    connection = await aio_pika.connect(AMQP_URL)
    async with connection:
        channel = await connection.channel()
        for name in sorted(names):
            await channel.queue_delete(name)
        await channel.exchange_delete(AmqpBus(AMQP_URL, queue_prefix=prefix).exchange_name)


@pytest.fixture(params=["memory", pytest.param("amqp", marks=pytest.mark.integration)])
async def new_bus(request: pytest.FixtureRequest) -> AsyncIterator[MakeBus]:
    """A factory of buses of one kind; the buses of one test share their broker topology."""
    kind = request.param
    prefix = f"test-{uuid.uuid4().hex[:10]}."
    if kind == "amqp":
        require("rabbitmq")
    buses: list[Bus] = []

    async def factory(**options: Any) -> Bus:
        options.setdefault("retry_delays", DELAYS)
        bus: Bus
        if kind == "memory":
            bus = MemoryBus(**options)
        else:
            bus = AmqpBus(AMQP_URL, queue_prefix=prefix, service="test", **options)
        buses.append(bus)
        return bus

    factory.kind = kind  # type: ignore[attr-defined]
    factory.prefix = prefix  # type: ignore[attr-defined]
    yield factory
    for bus in buses:
        await bus.close()
    if kind == "amqp":
        await delete_topology(prefix)


_exporter = InMemorySpanExporter()


@pytest.fixture
def spans() -> InMemorySpanExporter:
    """Finished spans of this test (an SDK provider is installed once per process)."""
    provider = trace.get_tracer_provider()
    if not isinstance(provider, TracerProvider):
        provider = TracerProvider()
        trace.set_tracer_provider(provider)
    if not getattr(provider, "_pamtalk_bus_test_exporter", False):
        provider.add_span_processor(SimpleSpanProcessor(_exporter))
        provider._pamtalk_bus_test_exporter = True  # type: ignore[attr-defined]
    _exporter.clear()
    return _exporter
