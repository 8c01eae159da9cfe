"""The notification service's singletons, made once at start-up and kept on the runtime."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request

from pamtalk.runtime import Runtime
from services.notification.live import LiveHub
from services.notification.settings import NotificationSettings


@dataclass
class NotificationState:
    settings: NotificationSettings
    hub: LiveHub


async def start(runtime: Runtime) -> None:
    settings = runtime.settings
    assert isinstance(settings, NotificationSettings)
    hub = LiveHub(runtime.redis, settings.channel_prefix)
    hub.start()
    runtime.extras["notification"] = NotificationState(settings, hub)


async def stop(runtime: Runtime) -> None:
    state: NotificationState | None = runtime.extras.pop("notification", None)
    if state is not None:
        await state.hub.stop()


async def notification_state(request: Request) -> NotificationState:  # async: no threadpool
    state: NotificationState = request.app.state.runtime.extras["notification"]
    return state
