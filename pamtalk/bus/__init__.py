"""The event bus: ``make_bus(url)`` gives the RabbitMQ bus for an ``amqp://`` URL and the
in-process one for ``"memory"`` (the embedded mode). aio-pika is imported only when the
RabbitMQ bus is used."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pamtalk.bus.base import Bus, BusUnavailable, DeadLetter, Handler
from pamtalk.bus.memory import MemoryBus

if TYPE_CHECKING:
    from pamtalk.bus.amqp import AmqpBus

__all__ = ["AmqpBus", "Bus", "BusUnavailable", "DeadLetter", "Handler", "MemoryBus", "make_bus"]


def make_bus(url: str, *, service: str = "", **options: Any) -> Bus:
    """``"memory"`` (or empty) -> MemoryBus; ``amqp://`` / ``amqps://`` -> AmqpBus.

    ``options`` go to the implementation (``retry_delays``; for AMQP also ``queue_prefix``,
    ``exchange``, ``prefetch``, timeouts).
    """
    if url in ("", "memory", "memory://"):
        memory_options = {k: v for k, v in options.items() if k == "retry_delays"}
        return MemoryBus(service=service, **memory_options)
    if url.startswith(("amqp://", "amqps://")):
        from pamtalk.bus.amqp import AmqpBus

        return AmqpBus(url, service=service, **options)
    raise ValueError(f"unsupported bus URL {url.split('@')[-1]!r}: use 'memory' or amqp://...")


def __getattr__(name: str) -> Any:
    if name == "AmqpBus":
        from pamtalk.bus.amqp import AmqpBus

        return AmqpBus
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
