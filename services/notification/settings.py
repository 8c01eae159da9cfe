from __future__ import annotations

from pydantic import Field

from pamtalk.settings import ServiceSettings


class NotificationSettings(ServiceSettings):
    SERVICE = "notification"

    # A comment line on idle streams, so the gateway and mobile networks keep them open.
    heartbeat_seconds: float = Field(default=15.0, gt=0)
    # An open stream re-reads the database this often even without a Redis message, which
    # covers a publish lost between the commit and Redis (pub/sub is at-most-once).
    resync_seconds: float = Field(default=60.0, gt=0)
    # How long an EventSource waits before reconnecting (the SSE ``retry:`` field).
    stream_retry_ms: int = Field(default=3000, ge=0)
    # How many stored notifications one database read of a stream replays.
    replay_batch: int = Field(default=200, ge=1, le=1000)
    # Redis channel of a user: ``<prefix>:<user id>``.
    channel_prefix: str = "notifications"
