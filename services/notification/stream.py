"""The Server-Sent Events stream of one user's notifications.

Order of operations, so that nothing falls between the replay and the live part:
1. subscribe to the user's channel (and wait for Redis to confirm it);
2. read the database after the cursor (``Last-Event-ID``, else the newest id now);
3. on every ring of the channel (and every ``resync_seconds``) read after the cursor again.
The cursor only moves forward and every event carries its id, so an event is sent once.

The stream ends when the access token expires (after an ``event: reauth``); the app then
reconnects with a fresh token and ``last_event_id``, and misses nothing."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import AsyncIterator

from starlette.responses import StreamingResponse
from starlette.types import Receive, Scope, Send

from pamtalk.db.database import Database
from pamtalk.json_body import dumps
from services.notification.live import LiveHub
from services.notification.settings import NotificationSettings
from services.notification.store import notifications
from services.notification.store.notifications import Item

log = logging.getLogger("pamtalk.notification.stream")
HEARTBEAT = b": heartbeat\n\n"
REAUTH = b'event: reauth\ndata: {"reason": "token-expired"}\n\n'
HEADERS = {
    "Cache-Control": "no-cache",
    "X-Accel-Buffering": "no",  # nginx: pass each event on at once
    "Connection": "keep-alive",
}


def sse_event(item: Item) -> bytes:
    """One notification (an ``Item`` of the store) as an event."""
    return b"id: %d\nevent: notification\ndata: %s\n\n" % (item["id"], dumps(item))


def opening(retry_ms: int, cursor: int) -> bytes:
    """The first block: reconnect delay, and the cursor as the last event id, so a client
    that drops before any event still resumes from here (an ``id`` without data sets the
    EventSource's ``lastEventId`` but dispatches no event)."""
    return b"retry: %d\nid: %d\n: ready\n\n" % (retry_ms, cursor)


# The stream reads the primary: it is rung once a notification has committed there, and a
# replica behind it would leave the new one out until the next ring or re-read.
async def _read_after(db: Database, user_id: uuid.UUID, cursor: int, limit: int) -> list[Item]:
    async with db.read("primary") as read:
        return await notifications.after(read, user_id, cursor, limit)


async def _latest(db: Database, user_id: uuid.UUID) -> int:
    async with db.read("primary") as read:
        return await notifications.latest_id(read, user_id)


async def notification_events(
    *,
    db: Database,
    hub: LiveHub,
    settings: NotificationSettings,
    user_id: uuid.UUID,
    last_event_id: int | None,
    expires_at: float,
) -> AsyncIterator[bytes]:
    """The SSE body: replay after ``last_event_id``, then live events and heartbeats."""
    async with hub.listen(user_id) as bell:
        cursor = last_event_id if last_event_id is not None else await _latest(db, user_id)
        read_at = time.monotonic()
        yield opening(settings.stream_retry_ms, cursor)
        must_read = last_event_id is not None
        while True:
            if must_read:
                bell.clear()  # before the read: a ring during it is not lost
                read_at = time.monotonic()
                items = await _read_after(db, user_id, cursor, settings.replay_batch)
                for item in items:
                    yield sse_event(item)
                    cursor = item["id"]
                if len(items) == settings.replay_batch:
                    continue  # more are waiting
            left = expires_at - time.time()
            if left <= 0:
                yield REAUTH
                return
            try:
                async with asyncio.timeout(min(settings.heartbeat_seconds, left)):  # keeps a cancel
                    await bell.wait()
                if hub.closed:  # this replica is stopping: the client reconnects elsewhere
                    return
                must_read = True
            except TimeoutError:
                yield HEARTBEAT
                must_read = time.monotonic() - read_at >= settings.resync_seconds


class EventStreamResponse(StreamingResponse):
    """A streaming response whose body generator is always closed when the response ends,
    however it ends (client gone, server stopping), so the stream's subscription is
    released at once rather than when the generator is garbage-collected."""

    media_type = "text/event-stream"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            close = getattr(self.body_iterator, "aclose", None)
            if close is not None:
                with contextlib.suppress(RuntimeError):  # already closed by its own exception
                    await close()
