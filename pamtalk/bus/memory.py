"""In-process bus with the semantics of the RabbitMQ one: topic routing to the queues of
the topology, at-least-once delivery, retry with back-off, then a dead-letter list, and
trace context carried in the message headers. Used by the embedded mode (``make run``);
nothing survives the process."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from pamtalk.bus.base import Bus, DeadLetter, Handler
from pamtalk.bus.topology import EXCHANGE, QUEUES, RETRY_DELAYS, queues_for
from pamtalk.bus.tracing import consumer_span, publish_span
from pamtalk.events.envelope import Envelope

log = logging.getLogger("pamtalk.bus")

SYSTEM = "memory"


@dataclass(frozen=True)
class _Message:
    message_id: str
    envelope: Envelope
    headers: dict[str, str]
    attempt: int  # failed deliveries so far


class MemoryBus(Bus):
    def __init__(self, retry_delays: tuple[float, ...] = RETRY_DELAYS, *, service: str = "") -> None:
        self.retry_delays = retry_delays
        self.service = service
        self._queues: dict[str, asyncio.Queue[_Message]] = {}
        self._handlers: dict[str, Handler] = {}
        self._workers: list[asyncio.Task[None]] = []
        self._inflight: set[asyncio.Task[None]] = set()
        self._retrying: dict[asyncio.Task[None], str] = {}
        self._dead: dict[str, list[DeadLetter]] = {name: [] for name in QUEUES}
        self._consuming = False
        self.published: list[Envelope] = []  # everything published, for inspection

    def _queue(self, name: str) -> asyncio.Queue[_Message]:
        if name not in QUEUES:
            raise KeyError(f"unknown queue {name!r}")
        return self._queues.setdefault(name, asyncio.Queue())

    async def start(self) -> None:
        self._consuming = True
        for name in self._handlers:
            self._spawn(name)

    def _spawn(self, name: str) -> None:
        self._workers.append(asyncio.create_task(self._work(name), name=f"bus:{name}"))

    async def close(self) -> None:
        await self.stop_consuming()
        for task in list(self._retrying):
            task.cancel()

    async def publish(self, envelope: Envelope, headers: Mapping[str, str] | None = None) -> None:
        message_id = uuid.uuid4().hex
        with publish_span(SYSTEM, EXCHANGE, envelope, message_id, headers) as carrier:
            self.published.append(envelope)
            for spec in queues_for(envelope.type):
                self._queue(spec.name).put_nowait(_Message(message_id, envelope, dict(carrier), 0))

    def consume(self, queue: str, handler: Handler) -> None:
        self._queue(queue)
        self._handlers[queue] = handler
        if self._consuming:
            self._spawn(queue)

    async def stop_consuming(self) -> None:
        """Take no new message, and return once the deliveries in hand have finished."""
        self._consuming = False
        for task in self._workers:
            task.cancel()  # a worker waiting for a message stops; one delivering is shielded
        for task in self._workers:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._workers.clear()
        while self._inflight:
            await asyncio.wait(set(self._inflight))

    async def ping(self) -> bool:
        return True

    async def queue_lengths(self) -> dict[str, int]:
        lengths: dict[str, int] = {}
        for name, spec in QUEUES.items():
            lengths[name] = self._queue(name).qsize()
            lengths[spec.retry] = sum(1 for queue in self._retrying.values() if queue == name)
            lengths[spec.dlq] = len(self._dead[name])
        return lengths

    async def _work(self, name: str) -> None:
        queue = self._queue(name)
        while True:
            message = await queue.get()
            delivery = asyncio.create_task(self._deliver(name, message))
            self._inflight.add(delivery)
            delivery.add_done_callback(self._inflight.discard)
            try:
                await asyncio.shield(delivery)
            finally:
                queue.task_done()

    async def _deliver(self, name: str, message: _Message) -> None:
        envelope, headers = message.envelope, message.headers
        try:
            with consumer_span(SYSTEM, name, envelope, message.message_id, headers, message.attempt + 1):
                await self._handlers[name](envelope, headers)
        except Exception as exc:  # any failure of a handler: retry, then dead-letter
            error = f"{type(exc).__name__}: {exc}"
            failures = message.attempt + 1
            if message.attempt < len(self.retry_delays):
                log.warning("handler failed, will retry", extra={"queue": name, "error_code": error})
                retry = _Message(
                    message.message_id, envelope, {**headers, "x-attempts": str(failures)}, failures
                )
                task = asyncio.create_task(self._later(name, retry))
                self._retrying[task] = name
                task.add_done_callback(self._retrying.pop)
            else:
                log.error("handler failed, dead-lettered", extra={"queue": name, "error_code": error})
                self._dead[name].append(
                    DeadLetter(name, envelope, headers, error, failures, message.message_id)
                )

    async def _later(self, name: str, message: _Message) -> None:
        await asyncio.sleep(self.retry_delays[message.attempt - 1])
        self._queue(name).put_nowait(message)

    async def dead_letters(self, queue: str, limit: int = 100) -> list[DeadLetter]:
        return list(self._dead[queue][:limit])

    def _take(self, queue: str, message_ids: list[str] | None) -> list[DeadLetter]:
        keep: list[DeadLetter] = []
        taken: list[DeadLetter] = []
        for letter in self._dead[queue]:
            (taken if message_ids is None or letter.message_id in message_ids else keep).append(letter)
        self._dead[queue] = keep
        return taken

    async def replay_dead_letters(self, queue: str, message_ids: list[str] | None = None) -> int:
        taken = self._take(queue, message_ids)
        for letter in taken:
            headers = {k: v for k, v in letter.headers.items() if k != "x-attempts"}
            self._queue(queue).put_nowait(_Message(letter.message_id, letter.envelope, headers, 0))
        return len(taken)

    async def discard_dead_letters(self, queue: str, message_ids: list[str] | None = None) -> int:
        return len(self._take(queue, message_ids))
