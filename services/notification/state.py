"""The notification service's state, made once at start-up: its settings and this
replica's live hub (the Redis subscriptions of its open streams)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends

from pamtalk.deps import state_dependency
from pamtalk.runtime import Runtime
from services.notification.live import LiveHub
from services.notification.settings import NotificationSettings


@dataclass
class NotificationState:
    settings: NotificationSettings
    hub: LiveHub


async def build_state(runtime: Runtime) -> NotificationState:
    settings = runtime.settings
    assert isinstance(settings, NotificationSettings)
    hub = LiveHub(runtime.redis, settings.channel_prefix)
    hub.start()
    return NotificationState(settings, hub)


async def stop(runtime: Runtime) -> None:
    """Wake every open stream of this replica so that it ends, and close the hub (if
    start-up got as far as making it)."""
    if isinstance(runtime.state, NotificationState):
        await runtime.state.hub.stop()


State = Annotated[NotificationState, Depends(state_dependency(NotificationState))]
