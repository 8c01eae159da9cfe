"""Live fan-out across replicas through Redis pub/sub.

One channel per user (``<prefix>:<user id>``) rather than one channel for everything: Redis
then sends each notification only to the replicas that hold a stream of that user, instead
of every replica receiving every notification and throwing most away.

Each replica keeps *one* pub/sub connection (the ``LiveHub``), subscribed to the channels
of the users connected to it (counted, so a phone and a browser of one user share it).
A message only rings the user's streams; they then read the database from their last id.
The database stays the one source of truth, which gives order and no duplicates even when
two replicas publish out of order, and a "subscribe" confirmation rings too, so after a
Redis reconnect (redis-py re-subscribes) every stream re-reads what it may have missed."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import AsyncIterator, Sequence
from typing import Any

from redis.asyncio import Redis

from pamtalk.json_body import dumps
from services.notification.store.notifications import Item

log = logging.getLogger("pamtalk.notification.live")
CONFIRM_TIMEOUT = 5.0


def channel(prefix: str, user_id: uuid.UUID) -> str:
    return f"{prefix}:{user_id}"


async def announce(redis: Redis, prefix: str, written: Sequence[tuple[uuid.UUID, Item]]) -> None:
    """Publish committed notifications on their users' channels (JSON of the notification),
    all of them in one round trip."""
    if not written:
        return
    async with redis.pipeline(transaction=False) as pipe:
        for user_id, item in written:
            pipe.publish(channel(prefix, user_id), dumps(item))
        await pipe.execute()


class LiveHub:
    """This replica's subscriptions; ``listen(user_id)`` gives an ``asyncio.Event`` that is
    set whenever the user may have something new."""

    def __init__(self, redis: Redis, prefix: str) -> None:
        self.prefix = prefix
        self._pubsub = redis.pubsub()
        self._bells: dict[str, set[asyncio.Event]] = {}
        self._confirmed: dict[str, asyncio.Event] = {}
        self._lock = asyncio.Lock()
        self._connected = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._pending: set[asyncio.Task[None]] = set()
        self._closed = False

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def listeners(self) -> int:
        return sum(len(bells) for bells in self._bells.values())

    def start(self) -> None:
        self._task = asyncio.create_task(self._read(), name="notification-live-hub")

    async def stop(self) -> None:
        """Wake every stream of this replica so that it ends, then close the connection."""
        self._closed = True
        for bells in self._bells.values():
            for bell in bells:
                bell.set()
        if self._pending:
            await asyncio.wait(set(self._pending), timeout=2.0)
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self._pubsub.aclose()

    @contextlib.asynccontextmanager
    async def listen(self, user_id: uuid.UUID) -> AsyncIterator[asyncio.Event]:
        name = channel(self.prefix, user_id)
        bell = asyncio.Event()
        async with self._lock:
            bells = self._bells.setdefault(name, set())
            bells.add(bell)
            if len(bells) == 1:
                self._confirmed[name] = asyncio.Event()
                try:
                    await self._pubsub.subscribe(name)
                except Exception:
                    self._leave(name, bell)
                    raise
                self._connected.set()
            confirmed = self._confirmed[name]
        try:
            try:  # once Redis confirms, nothing published from now on can be missed
                async with asyncio.timeout(CONFIRM_TIMEOUT):  # not wait_for: it can lose a cancel
                    await confirmed.wait()
            except TimeoutError:
                log.warning("subscription not confirmed in time; the stream relies on re-reads")
            yield bell
        finally:
            self._leave(name, bell)

    def _leave(self, name: str, bell: asyncio.Event) -> None:
        """Synchronous, so it completes even in a task being cancelled (a client that went
        away); the Redis unsubscribe of the last listener runs in a task of its own."""
        bells = self._bells.get(name)
        if bells is None:
            return
        bells.discard(bell)
        if not bells:
            del self._bells[name]
            self._confirmed.pop(name, None)
            task = asyncio.create_task(self._unsubscribe(name))
            self._pending.add(task)
            task.add_done_callback(self._pending.discard)

    async def _unsubscribe(self, name: str) -> None:
        async with self._lock:
            if name in self._bells:  # the user came back meanwhile: keep the subscription
                return
            try:
                await self._pubsub.unsubscribe(name)
            except Exception:  # the connection is gone; redis-py re-subscribes only what is left
                log.warning("unsubscribe failed", exc_info=True)

    async def _read(self) -> None:
        delay = 0.2
        while True:
            if self._pubsub.connection is None:  # nobody subscribed yet
                await self._connected.wait()
                continue
            try:
                message = await self._pubsub.get_message(timeout=1.0)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("redis pub/sub read failed, retrying", extra={"error_code": type(exc).__name__})
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)
                continue
            delay = 0.2
            if message is not None:
                self._dispatch(message)

    def _dispatch(self, message: dict[str, Any]) -> None:
        kind = message.get("type")
        raw = message.get("channel")
        name = raw.decode() if isinstance(raw, bytes) else str(raw)
        if kind == "subscribe" and (confirmed := self._confirmed.get(name)) is not None:
            confirmed.set()
        if kind in ("subscribe", "message"):
            for bell in self._bells.get(name, ()):
                bell.set()
