"""The event bus interface. Two implementations share it: ``AmqpBus`` (RabbitMQ, for the
distributed mode and production) and ``MemoryBus`` (one process, for ``make run``)."""

from __future__ import annotations

import abc
from collections.abc import Awaitable, Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from pamtalk.events.envelope import Envelope

Handler = Callable[[Envelope, Mapping[str, str]], Awaitable[None]]
"""A consumer: gets the envelope and the message headers (trace context, request id).
Returning means the effect is committed and the message may be acked; raising sends it
to retry (then to the dead-letter queue)."""


@dataclass(frozen=True)
class Delivery:
    """One message of a batch: its envelope, its headers, and its consumer span (entered
    around the message's own work, so what it publishes carries its trace)."""

    envelope: Envelope
    headers: Mapping[str, str]
    span: Callable[[], AbstractContextManager[object]]


@runtime_checkable
class BatchHandler(Protocol):
    """A handler that can also apply several deliveries in one commit. ``apply_batch``
    either commits the effects of all of them or raises having committed none (the bus then
    hands them to ``__call__`` one at a time, so a failing message is retried alone)."""

    async def __call__(self, envelope: Envelope, headers: Mapping[str, str]) -> None: ...

    async def apply_batch(self, deliveries: Sequence[Delivery]) -> None: ...


class BusUnavailable(RuntimeError):
    """The broker cannot take the message now; the outbox relay tries again later."""


@dataclass
class DeadLetter:
    queue: str
    envelope: Envelope
    headers: dict[str, str] = field(default_factory=dict)
    error: str = ""
    attempts: int = 0
    message_id: str = ""


class Bus(abc.ABC):
    """Publish envelopes to the topic exchange; consume queues of the topology."""

    @abc.abstractmethod
    async def start(self) -> None:
        """Connect and declare the topology; start the registered consumers."""

    @abc.abstractmethod
    async def close(self) -> None:
        """Stop consuming, let in-flight handlers finish, close the connection."""

    @abc.abstractmethod
    async def publish(self, envelope: Envelope, headers: Mapping[str, str] | None = None) -> None:
        """Publish persistently and wait for the broker's confirm; BusUnavailable if it cannot."""

    async def publish_many(
        self, items: Sequence[tuple[Envelope, Mapping[str, str] | None]]
    ) -> list[BusUnavailable | None]:
        """Publish several envelopes in order; per envelope None once the broker confirmed it,
        else why it did not. This default publishes one at a time and stops at the first
        failure (the envelopes after it get the same error, unpublished)."""
        outcomes: list[BusUnavailable | None] = []
        failure: BusUnavailable | None = None
        for envelope, headers in items:
            if failure is None:
                try:
                    await self.publish(envelope, headers)
                except BusUnavailable as exc:
                    failure = exc
            outcomes.append(failure)
        return outcomes

    @abc.abstractmethod
    def consume(self, queue: str, handler: Handler) -> None:
        """Register a handler for a queue of ``topology.QUEUES`` (before or after start)."""

    @abc.abstractmethod
    async def stop_consuming(self) -> None:
        """Take no new messages (first step of a graceful shutdown)."""

    @abc.abstractmethod
    async def ping(self) -> bool:
        """True when the broker is reachable (readiness)."""

    @abc.abstractmethod
    async def queue_lengths(self) -> dict[str, int]:
        """Messages waiting per queue, including ``.retry`` and ``.dlq`` queues."""

    @abc.abstractmethod
    async def dead_letters(self, queue: str, limit: int = 100) -> list[DeadLetter]:
        """Peek at dead-lettered messages of a queue (they stay there)."""

    @abc.abstractmethod
    async def replay_dead_letters(self, queue: str, message_ids: list[str] | None = None) -> int:
        """Move dead letters (all, or those ids) back to their queue; returns how many."""

    @abc.abstractmethod
    async def discard_dead_letters(self, queue: str, message_ids: list[str] | None = None) -> int:
        """Drop dead letters (all, or those ids); returns how many."""
