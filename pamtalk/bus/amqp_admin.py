"""The RabbitMQ topology of ``AmqpBus``: its declaration, queue lengths and the dead-letter
operations (peek, replay, discard), plus the header helpers the bus shares.

Dead letters are read with ``basic.get`` on a channel of their own and held unacked while
the operation runs, so each is seen once; the ones not replayed or discarded are requeued
at the end (and would be by the broker if the process died meanwhile): nothing is lost.
"""

from __future__ import annotations

import abc
import contextlib
from collections.abc import AsyncIterator, Awaitable, Mapping
from typing import Any

import aio_pika
from aio_pika.abc import AbstractChannel, AbstractExchange, AbstractIncomingMessage, AbstractRobustConnection
from pydantic import ValidationError

from pamtalk.bus.base import DeadLetter
from pamtalk.bus.topology import QUEUES
from pamtalk.events.envelope import Envelope

_BROKER_HEADERS = ("x-death", "x-first-death-", "x-last-death-")
_DEAD_LETTER_HEADERS = ("x-error", "x-attempts", "x-original-queue")


def text_headers(headers: Mapping[str, Any] | None) -> dict[str, str]:
    """The headers a handler sees: text values (trace context, request id, x-attempts)."""
    result: dict[str, str] = {}
    for key, value in (headers or {}).items():
        if isinstance(value, bytes):
            value = value.decode("utf-8", "replace")
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            result[key] = str(value)
    return result


def outgoing(
    message: AbstractIncomingMessage, extra: Mapping[str, Any], drop: tuple[str, ...] = ()
) -> aio_pika.Message:
    """A persistent copy of a received message (same id and body), its headers updated."""
    headers = {
        key: value
        for key, value in (message.headers or {}).items()
        if not key.startswith(_BROKER_HEADERS) and key not in drop
    }
    headers.update(extra)
    return aio_pika.Message(
        message.body,
        headers=headers,
        message_id=message.message_id,
        content_type=message.content_type,
        delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
        type=message.type,
        timestamp=message.timestamp,
        app_id=message.app_id,
    )


def _envelope(body: bytes) -> Envelope:
    try:
        return Envelope.model_validate_json(body)
    except ValidationError:  # a malformed body is dead-lettered as is: show what it was
        return Envelope(type="<malformed>", data={"body": body[:2000].decode("utf-8", "replace")})


class AmqpTopology(abc.ABC):
    """Mixin of ``AmqpBus``: declare the queues, and what an operator needs to see and repair them."""

    exchange_name: str
    retry_delays: tuple[float, ...]
    publish_timeout: float

    @abc.abstractmethod
    def physical(self, name: str) -> str: ...

    @abc.abstractmethod
    def retry_queue(self, queue: str, delay: float) -> str: ...

    @abc.abstractmethod
    async def _connect(self) -> AbstractRobustConnection: ...

    @abc.abstractmethod
    async def _confirmed(self, publishing: Awaitable[object]) -> None: ...

    def declared_queues(self) -> list[str]:
        """Every queue this bus declares (physical names)."""
        names = []
        for spec in QUEUES.values():
            names += [self.physical(spec.name), self.physical(spec.dlq)]
            names += [self.retry_queue(spec.name, d) for d in sorted(set(self.retry_delays))]
        return names

    async def _declare(self, channel: AbstractChannel) -> AbstractExchange:
        exchange = await channel.declare_exchange(
            self.exchange_name, aio_pika.ExchangeType.TOPIC, durable=True
        )
        for spec in QUEUES.values():
            queue = await channel.declare_queue(self.physical(spec.name), durable=True)
            for pattern in spec.bindings:
                await queue.bind(exchange, pattern)
            await channel.declare_queue(self.physical(spec.dlq), durable=True)
            for delay in sorted(set(self.retry_delays)):
                arguments: dict[str, Any] = {
                    "x-message-ttl": round(delay * 1000),
                    "x-dead-letter-exchange": "",
                    "x-dead-letter-routing-key": self.physical(spec.name),
                }
                await channel.declare_queue(
                    self.retry_queue(spec.name, delay), durable=True, arguments=arguments
                )
        return exchange

    async def queue_lengths(self) -> dict[str, int]:
        """Ready messages per queue (``q``, ``q.retry`` summed over its delays, ``q.dlq``)."""
        connection = await self._connect()
        lengths: dict[str, int] = {}
        async with connection.channel(publisher_confirms=False) as channel:

            async def count(name: str) -> int:
                queue = await channel.declare_queue(name, passive=True)
                result = queue.declaration_result
                return int(result.message_count or 0) if result else 0

            for name, spec in QUEUES.items():
                lengths[name] = await count(self.physical(name))
                delays = sorted(set(self.retry_delays))
                lengths[spec.retry] = sum([await count(self.retry_queue(name, d)) for d in delays])
                lengths[spec.dlq] = await count(self.physical(spec.dlq))
        return lengths

    @contextlib.asynccontextmanager
    async def _held(
        self, queue: str, limit: int | None = None
    ) -> AsyncIterator[tuple[AbstractChannel, list[AbstractIncomingMessage]]]:
        """Dead letters of ``queue`` taken unacked; whatever is left unsettled is requeued."""
        if queue not in QUEUES:
            raise KeyError(f"unknown queue {queue!r}")
        connection = await self._connect()
        held: list[AbstractIncomingMessage] = []
        async with connection.channel(publisher_confirms=True, on_return_raises=True) as channel:
            dlq = await channel.declare_queue(self.physical(QUEUES[queue].dlq), passive=True)
            try:
                while limit is None or len(held) < limit:
                    message = await dlq.get(no_ack=False, fail=False, timeout=self.publish_timeout)
                    if message is None:
                        break
                    held.append(message)
                yield channel, held
            finally:
                for message in held:
                    if not message.processed:
                        await message.nack(requeue=True)

    async def dead_letters(self, queue: str, limit: int = 100) -> list[DeadLetter]:
        async with self._held(queue, limit) as (_channel, held):
            return [self._dead_letter(queue, message) for message in held]

    @staticmethod
    def _dead_letter(queue: str, message: AbstractIncomingMessage) -> DeadLetter:
        headers = text_headers(message.headers)
        return DeadLetter(
            queue=queue,
            envelope=_envelope(message.body),
            headers={k: v for k, v in headers.items() if k not in _DEAD_LETTER_HEADERS},
            error=headers.get("x-error", ""),
            attempts=int(attempts) if (attempts := headers.get("x-attempts", "0")).isdigit() else 0,
            message_id=message.message_id or "",
        )

    async def replay_dead_letters(self, queue: str, message_ids: list[str] | None = None) -> int:
        """Send dead letters back to their queue with a fresh attempt count (confirm, then ack)."""
        replayed = 0
        async with self._held(queue) as (channel, held):
            for message in held:
                if message_ids is None or message.message_id in message_ids:
                    copy = outgoing(message, {}, drop=_DEAD_LETTER_HEADERS)
                    await self._confirmed(
                        channel.default_exchange.publish(
                            copy, self.physical(queue), mandatory=True, timeout=self.publish_timeout
                        )
                    )
                    await message.ack()
                    replayed += 1
        return replayed

    async def discard_dead_letters(self, queue: str, message_ids: list[str] | None = None) -> int:
        discarded = 0
        async with self._held(queue) as (_channel, held):
            for message in held:
                if message_ids is None or message.message_id in message_ids:
                    await message.ack()
                    discarded += 1
        return discarded
