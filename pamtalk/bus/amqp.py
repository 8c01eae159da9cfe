"""RabbitMQ implementation of the bus (aio-pika, robust connection, publisher confirms).

Topology, declared in full and idempotently by every service on start (so a message is
never dropped because its consumer has not started yet): the durable topic exchange
``pamtalk.events`` and, for each queue ``q`` of ``topology.QUEUES``, the durable queues

* ``q`` bound to the exchange with the queue's topic patterns;
* ``q.retry.<ms>ms``, one per back-off delay, with ``x-message-ttl=<ms>`` and
  ``x-dead-letter-exchange=""`` / ``x-dead-letter-routing-key=q``: a failed message is
  published there (default exchange, straight to that queue) and comes back to ``q`` alone -
  not to the other queues bound to its topic - when the delay has passed;
* ``q.dlq``, where a message lands with ``x-error``, ``x-attempts`` and ``x-original-queue``
  after the last retry, until it is replayed or discarded (``python -m pamtalk.bus.dlq``).

Why one retry queue per delay rather than one ``q.retry`` with per-message expiration:
RabbitMQ expires messages only at the head of a queue, so a message waiting 1 s behind one
waiting 30 s would wait 30 s too (head-of-line blocking). With one TTL per queue, every
message in a queue expires in arrival order and never waits behind a longer delay. Naming
the queues by their delay means changing ``RETRY_DELAYS`` declares new queues instead of
failing on a redeclaration with different arguments. Queues are classic durable queues:
peeking at a dead letter (get, then requeue) must not count towards a delivery limit.

A consumed message is acked only after its handler returned, or after its retry/dead-letter
copy was confirmed by the broker; if that copy cannot be published, the message is requeued.

Batches: a queue whose handler can apply a batch (``BatchHandler``: the kit's inbox handler)
takes its deliveries in batches of up to ``batch``, one batch at a time. A delivery waits at
most ``batch_wait`` seconds for others to join it; the batch is applied in one transaction
and acked with one ``basic.ack`` (``multiple``, per channel: every earlier delivery of the
channel is settled by then). If the batch fails, its messages are handled one at a time as
above, so a poison message goes to its retry queue alone and the others are applied once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import Awaitable, Mapping, Sequence
from functools import partial
from typing import Any, cast

import aio_pika
from aio_pika.abc import (
    AbstractChannel,
    AbstractExchange,
    AbstractIncomingMessage,
    AbstractQueue,
    AbstractRobustConnection,
)
from aio_pika.exceptions import CONNECTION_EXCEPTIONS
from pydantic import ValidationError

from pamtalk.bus.amqp_admin import AmqpTopology, outgoing, text_headers
from pamtalk.bus.base import BatchHandler, Bus, BusUnavailable, Delivery, Handler
from pamtalk.bus.topology import EXCHANGE, QUEUES, RETRY_DELAYS
from pamtalk.bus.tracing import consumer_span, publish_span
from pamtalk.events.envelope import Envelope
from pamtalk.settings import ServiceSettings

log = logging.getLogger("pamtalk.bus")

SYSTEM = "rabbitmq"
_FAILURES = (TimeoutError, *CONNECTION_EXCEPTIONS)


class AmqpBus(AmqpTopology, Bus):
    def __init__(
        self,
        url: str,
        *,
        exchange: str = EXCHANGE,
        queue_prefix: str = "",
        retry_delays: tuple[float, ...] = RETRY_DELAYS,
        prefetch: int | None = None,  # None: the settings' consumer_prefetch default
        batch: int | None = None,  # None: the settings' consumer_batch default
        batch_wait: float | None = None,  # None: the settings' consumer_batch_wait default
        service: str = "",
        connect_timeout: float = 5.0,
        publish_timeout: float = 5.0,
    ) -> None:
        self.url = url
        self.exchange_name = f"{queue_prefix}{exchange}"
        self.queue_prefix = queue_prefix
        self.retry_delays = retry_delays
        defaults = ServiceSettings.model_fields
        self.prefetch = defaults["consumer_prefetch"].default if prefetch is None else prefetch
        self.batch = defaults["consumer_batch"].default if batch is None else batch
        self.batch_wait = defaults["consumer_batch_wait"].default if batch_wait is None else batch_wait
        self.service = service
        self.connect_timeout = connect_timeout
        self.publish_timeout = publish_timeout
        self._connection: AbstractRobustConnection | None = None
        self._channel: AbstractChannel | None = None  # publishing, with confirms
        self._exchange: AbstractExchange | None = None
        self._connect_lock = asyncio.Lock()
        self._handlers: dict[str, Handler] = {}
        self._consumers: dict[str, tuple[AbstractChannel, AbstractQueue, str]] = {}
        self._active: set[str] = set()  # queues whose deliveries are handled (not stopped)
        self._inflight: set[asyncio.Task[Any]] = set()
        # Batched queues: deliveries waiting (with their arrival time), queues being applied.
        self._waiting: dict[str, list[tuple[float, AbstractIncomingMessage]]] = {}
        self._batching: set[str] = set()
        self._starting: set[asyncio.Task[None]] = set()
        self._consuming = False

    # -- names ---------------------------------------------------------------------------
    def physical(self, name: str) -> str:
        return f"{self.queue_prefix}{name}"

    def retry_queue(self, queue: str, delay: float) -> str:
        return self.physical(f"{queue}.retry.{round(delay * 1000)}ms")

    # -- connection -----------------------------------------------------------
    async def _connect(self) -> AbstractRobustConnection:
        async with self._connect_lock:
            if self._connection is not None and not self._connection.is_closed:
                return self._connection
            connection = None
            try:
                async with asyncio.timeout(self.connect_timeout + 1):
                    connection = await aio_pika.connect_robust(
                        self.url,
                        timeout=self.connect_timeout,
                        client_properties={"connection_name": self.service or "pamtalk"},
                    )
                    channel = await connection.channel(publisher_confirms=True, on_return_raises=True)
                    self._exchange = await self._declare(channel)
            except _FAILURES as exc:
                if connection is not None:
                    with contextlib.suppress(*_FAILURES):
                        await connection.close()
                raise BusUnavailable(f"cannot reach the broker or declare the topology: {exc!r}") from exc
            self._connection, self._channel = connection, channel
            return connection

    async def _confirmed(self, publishing: Awaitable[object]) -> None:
        """Wait for the broker's confirm; BusUnavailable on a nack, a return or a timeout."""
        try:
            async with asyncio.timeout(self.publish_timeout):
                await publishing
        except _FAILURES as exc:
            raise BusUnavailable(f"publish not confirmed: {type(exc).__name__}: {exc}") from exc

    async def start(self) -> None:
        await self._connect()
        self._consuming = True
        for name in self._handlers:
            if name not in self._consumers:
                await self._start_consumer(name)

    async def close(self) -> None:
        await self.stop_consuming()
        if self._connection is not None:
            with contextlib.suppress(*_FAILURES):
                await self._connection.close()
        self._connection = self._channel = self._exchange = None

    async def ping(self) -> bool:
        try:
            await self._connect()
        except BusUnavailable:
            return False
        return self._channel is not None and not self._channel.is_closed

    # -- publish -----------------------------------------------------------------------------
    async def publish(self, envelope: Envelope, headers: Mapping[str, str] | None = None) -> None:
        await self._connect()
        assert self._exchange is not None
        await self._publish_to(self._exchange, envelope, headers)

    async def publish_many(
        self, items: Sequence[tuple[Envelope, Mapping[str, str] | None]]
    ) -> list[BusUnavailable | None]:
        """Publish all in order, then wait for their confirms together (one round trip for
        the batch, not one per message)."""
        if not items:
            return []
        await self._connect()
        exchange = self._exchange
        assert exchange is not None
        outcomes = await asyncio.gather(
            *(self._publish_to(exchange, envelope, headers) for envelope, headers in items),
            return_exceptions=True,
        )
        for outcome in outcomes:  # anything but a refusal of the broker is a bug: raise it
            if outcome is not None and not isinstance(outcome, BusUnavailable):
                raise outcome
        return cast(list[BusUnavailable | None], outcomes)

    async def _publish_to(
        self, exchange: AbstractExchange, envelope: Envelope, headers: Mapping[str, str] | None
    ) -> None:
        message_id = uuid.uuid4().hex
        with publish_span(SYSTEM, self.exchange_name, envelope, message_id, headers) as carrier:
            message = aio_pika.Message(
                envelope.model_dump_json().encode(),
                headers=carrier,  # type: ignore[arg-type]
                message_id=message_id,
                content_type="application/json",
                delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                type=envelope.type,
                timestamp=envelope.occurred_at,
                app_id=self.service or None,
            )
            # mandatory=False: an event nobody subscribes to (ledger.*) is not an error.
            await self._confirmed(
                exchange.publish(message, envelope.type, mandatory=False, timeout=self.publish_timeout)
            )

    async def _send_direct(self, queue: str, message: aio_pika.Message) -> None:
        """Publish straight to one queue (default exchange); a missing queue is an error."""
        await self._connect()
        assert self._channel is not None
        publishing = self._channel.default_exchange.publish(
            message, queue, mandatory=True, timeout=self.publish_timeout
        )
        await self._confirmed(publishing)

    # -- consume -----------------------------------------------------------------------------
    def consume(self, queue: str, handler: Handler) -> None:
        if queue not in QUEUES:
            raise KeyError(f"unknown queue {queue!r}")
        self._handlers[queue] = handler
        if self._consuming and queue not in self._consumers:
            task = asyncio.create_task(self._start_consumer(queue), name=f"bus:consume:{queue}")
            self._starting.add(task)
            task.add_done_callback(self._started)

    def _started(self, task: asyncio.Task[None]) -> None:
        self._starting.discard(task)
        if not task.cancelled() and (exc := task.exception()) is not None:
            log.error("could not start a consumer", exc_info=exc, extra={"queue": task.get_name()})

    async def _start_consumer(self, name: str) -> None:
        connection = await self._connect()
        channel = await connection.channel(publisher_confirms=False)
        batched = self.batch > 1 and isinstance(self._handlers[name], BatchHandler)
        # A batched queue uses one database connection at a time, whatever it holds: room for
        # the next batch to gather while one is applied.
        await channel.set_qos(prefetch_count=max(self.prefetch, 2 * self.batch) if batched else self.prefetch)
        queue = await channel.declare_queue(self.physical(name), durable=True)
        self._active.add(name)
        tag = await queue.consume(partial(self._on_batched if batched else self._on_message, name))
        self._consumers[name] = (channel, queue, tag)

    async def stop_consuming(self) -> None:
        """Cancel the consumers, then return once the handlers in progress have finished."""
        self._consuming = False
        if self._starting:
            await asyncio.wait(set(self._starting))
        consumers, self._consumers = self._consumers, {}
        for _channel, queue, tag in consumers.values():
            with contextlib.suppress(*_FAILURES):
                await asyncio.wait_for(queue.cancel(tag), self.publish_timeout)
        self._active.clear()  # a delivery dispatched from now on is requeued, not handled
        while True:
            for _ in range(3):  # deliveries read before the cancel start as tasks: let them
                await asyncio.sleep(0)
            if not self._inflight:
                break
            await asyncio.wait(set(self._inflight))
        for channel, _queue, _tag in consumers.values():
            with contextlib.suppress(*_FAILURES):
                await channel.close()

    async def _on_message(self, name: str, message: AbstractIncomingMessage) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._inflight.add(task)
        try:
            await self._process(name, message)
        finally:
            self._inflight.discard(task)

    async def _on_batched(self, name: str, message: AbstractIncomingMessage) -> None:
        """Queue the delivery; the first task of an idle queue applies batches until none waits."""
        waiting = self._waiting.setdefault(name, [])
        waiting.append((time.monotonic(), message))
        if name in self._batching:
            return
        task = asyncio.current_task()
        assert task is not None
        self._batching.add(name)
        self._inflight.add(task)
        try:
            while waiting:
                if len(waiting) < self.batch:  # the oldest waits at most batch_wait
                    await asyncio.sleep(waiting[0][0] + self.batch_wait - time.monotonic())
                batch = [message for _, message in waiting[: self.batch]]
                del waiting[: len(batch)]
                try:
                    await self._process_batch(name, batch)
                except Exception:  # a bug: the batch stays unacked, the ones waiting still go on
                    log.exception("could not handle a batch", extra={"queue": name})
        finally:
            self._batching.discard(name)
            self._inflight.discard(task)

    async def _process_batch(self, name: str, batch: list[AbstractIncomingMessage]) -> None:
        handler = self._handlers[name]
        if len(batch) == 1 or name not in self._active or not isinstance(handler, BatchHandler):
            for message in batch:
                await self._process(name, message)
            return
        deliveries: list[Delivery] = []
        kept: list[AbstractIncomingMessage] = []
        for message in batch:
            headers, failures = _received(message)
            try:
                envelope = Envelope.model_validate_json(message.body)
            except ValidationError:
                await self._process(name, message)  # dead-lettered alone
                continue
            span = partial(
                consumer_span, SYSTEM, name, envelope, message.message_id or "", headers, failures + 1
            )
            deliveries.append(Delivery(envelope, headers, span))
            kept.append(message)
        if not deliveries:
            return
        try:
            await handler.apply_batch(deliveries)
        except Exception as exc:  # nothing of it committed: one at a time, a failure retried alone
            log.warning(
                "batch failed, handling its messages one at a time",
                extra={"queue": name, "error_code": repr(exc)},
            )
            for message in kept:
                await self._process(name, message)
            return
        last = {id(message.channel): message for message in kept}  # deliveries come in tag order
        for message in last.values():
            await self._settle(message.ack(multiple=True))

    async def _process(self, name: str, message: AbstractIncomingMessage) -> None:
        if name not in self._active:  # arrived after stop_consuming: back to the queue
            await self._settle(message.nack(requeue=True))
            return
        headers, failures = _received(message)
        try:
            envelope = Envelope.model_validate_json(message.body)
        except ValidationError as exc:  # retrying cannot fix a malformed body
            await self._forward(name, message, f"malformed envelope: {exc}", failures + 1, give_up=True)
            return
        message_id = message.message_id or ""
        try:
            with consumer_span(SYSTEM, name, envelope, message_id, headers, failures + 1):
                await self._handlers[name](envelope, headers)
        except Exception as exc:  # any failure of a handler: retry, then dead-letter
            await self._forward(name, message, f"{type(exc).__name__}: {exc}", failures + 1)
            return
        await self._settle(message.ack())

    async def _forward(
        self, name: str, message: AbstractIncomingMessage, error: str, failures: int, give_up: bool = False
    ) -> None:
        """Publish the retry (or dead-letter) copy with confirm, then ack the original."""
        extra: dict[str, Any] = {"x-attempts": failures}
        if failures <= len(self.retry_delays) and not give_up:
            target = self.retry_queue(name, self.retry_delays[failures - 1])
            log.warning("handler failed, will retry", extra={"queue": name, "error_code": error})
        else:
            target = self.physical(QUEUES[name].dlq)
            extra |= {"x-error": error[:2000], "x-original-queue": self.physical(name)}
            log.error("handler failed, dead-lettered", extra={"queue": name, "error_code": error})
        try:
            await self._send_direct(target, outgoing(message, extra))
        except BusUnavailable:
            log.exception("cannot publish the retry copy; requeueing", extra={"queue": name})
            await self._settle(message.nack(requeue=True))
            return
        await self._settle(message.ack())

    @staticmethod
    async def _settle(settling: Awaitable[object]) -> None:
        # After a reconnect the delivery tag is void; the broker redelivers the message
        # (at-least-once: the inbox makes the second delivery a no-op).
        try:
            await settling
        except _FAILURES:
            log.warning("could not ack/nack a delivery; the broker will redeliver it", exc_info=True)


def _received(message: AbstractIncomingMessage) -> tuple[dict[str, str], int]:
    """The message's headers as text, and how many deliveries of it failed before."""
    headers = text_headers(message.headers)
    failures = int(attempts) if (attempts := headers.get("x-attempts", "0")).isdigit() else 0
    return headers, failures
