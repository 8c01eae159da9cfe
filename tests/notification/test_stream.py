"""The live stream over real HTTP: live events, Last-Event-ID resume, fan-out between two
instances through Redis, heartbeats, and clean-up when the client goes away."""

from __future__ import annotations

import asyncio
import json
import time
import uuid

import pytest

from pamtalk.bus.memory import MemoryBus
from pamtalk.runtime import service_state
from services.notification import live
from services.notification.app import create_app
from services.notification.state import NotificationState
from tests.conftest import service_client
from tests.notification.conftest import HEARTBEAT, serve
from tests.notification.support import forecast, open_stream, publish, registered, wait_for_count
from tests.waiting import eventually

pytestmark = pytest.mark.integration


async def test_a_connected_client_gets_what_arrives_after(notif, tokens) -> None:
    client, app = notif
    user = uuid.uuid4()
    await publish(app, registered(user, "en"))
    (welcome,) = await wait_for_count(client, tokens.headers(user_id=user), 1)
    async with serve(app) as base, open_stream(base, tokens.headers(user_id=user)) as sse:
        opening = await sse.next()
        assert opening.retry == 3000 and opening.id == str(welcome["id"]) and "ready" in opening.comments
        assert sse.response.headers["content-type"].startswith("text/event-stream")
        assert sse.response.headers["cache-control"] == "no-cache"
        assert sse.response.headers["x-accel-buffering"] == "no"
        await publish(app, forecast(user))
        block = await sse.next_event()
        body = json.loads(block.data)
        assert block.event == "notification" and block.id == str(body["id"])
        assert body["kind"] == "forecast.finished" and body["title"] == "Forecast ready"
        assert int(block.id) > welcome["id"]


async def test_resume_with_last_event_id_gets_only_the_missed_in_order(notif, tokens) -> None:
    client, app = notif
    user = uuid.uuid4()
    for _ in range(4):
        await publish(app, forecast(user))
    ids = sorted(n["id"] for n in await wait_for_count(client, tokens.headers(user_id=user), 4))
    async with serve(app) as base:
        async with open_stream(base, {**tokens.headers(user_id=user), "Last-Event-ID": str(ids[1])}) as sse:
            assert (await sse.next()).id == str(ids[1])
            got = [int((await sse.next_event()).id) for _ in range(2)]
            assert got == ids[2:]
            nothing_else = await sse.next(within=HEARTBEAT * 5)
            assert nothing_else.event is None and "heartbeat" in nothing_else.comments
        # a browser's EventSource: token and resume point in the query
        token = tokens(user_id=user)
        async with open_stream(base, access_token=token, last_event_id=ids[0]) as sse:
            await sse.next()
            assert [int((await sse.next_event()).id) for _ in range(3)] == ids[1:]


async def test_no_gap_between_replay_and_live(notif, tokens) -> None:
    client, app = notif
    user = uuid.uuid4()
    await publish(app, forecast(user))
    (first,) = await wait_for_count(client, tokens.headers(user_id=user), 1)
    async with serve(app) as base:
        async with open_stream(base, tokens.headers(user_id=user), last_event_id=0) as sse:
            await sse.next()
            for _ in range(3):  # arrives while (and after) the replay runs
                await publish(app, forecast(user))
            got = [int((await sse.next_event()).id) for _ in range(4)]
        assert got[0] == first["id"] and got == sorted(set(got))


async def test_stream_on_another_instance_gets_what_this_one_stored(
    notif, tokens, database_url: str, redis_url: str
) -> None:
    _, app_a = notif  # consumes events
    user = uuid.uuid4()
    async with service_client(
        create_app,
        service="notification",
        database_url=database_url,
        redis_url=redis_url,
        tokens=tokens,
        bus=MemoryBus(),  # its own bus, which nothing is published on: B never consumes
        heartbeat_seconds=HEARTBEAT,
    ) as (_, app_b):
        async with serve(app_b) as base_b, open_stream(base_b, tokens.headers(user_id=user)) as sse:
            await sse.next()
            await publish(app_a, registered(user, "ko", "박"))
            block = await sse.next_event()
            assert json.loads(block.data)["title"] == "PAM-TALK에 오신 것을 환영합니다"
            await publish(app_a, forecast(user))
            assert json.loads((await sse.next_event()).data)["kind"] == "forecast.finished"
        assert app_b.state.runtime.bus.published == []


async def test_idle_stream_gets_heartbeats(notif, tokens) -> None:
    _, app = notif
    async with serve(app) as base, open_stream(base, tokens.headers()) as sse:
        await sse.next()
        for _ in range(2):
            block = await sse.next(within=HEARTBEAT * 5)
            assert block.comments == ["heartbeat"] and block.event is None


async def test_subscription_released_when_the_client_leaves(notif, tokens) -> None:
    _, app = notif
    hub = service_state(app.state.runtime, NotificationState).hub
    before = hub.listeners
    user = uuid.uuid4()
    async with serve(app) as base:
        async with (
            open_stream(base, tokens.headers(user_id=user)) as one,
            open_stream(base, tokens.headers(user_id=user)) as two,
        ):  # a phone and a browser of one user share one Redis subscription
            await one.next()
            await two.next()
            assert hub.listeners == before + 2
        await eventually(lambda: asyncio.sleep(0, hub.listeners), lambda n: n == before, within=5)
        channel = live.channel(app.state.settings.channel_prefix, user)

        async def subscribers() -> int:
            return int(dict(await app.state.runtime.redis.pubsub_numsub(channel))[channel.encode()])

        await eventually(subscribers, lambda n: n == 0, within=5)  # Redis unsubscribed too


async def test_stream_ends_with_reauth_when_the_token_expires(notif, tokens) -> None:
    _, app = notif
    token = tokens(exp=int(time.time()) + 2)
    async with serve(app) as base, open_stream(base, {"Authorization": f"Bearer {token}"}) as sse:
        await sse.next()
        while (block := await sse.next(within=5)).event is None:
            pass
        assert block.event == "reauth"
        with pytest.raises(EOFError):
            await sse.next(within=5)


async def test_bad_resume_point_and_bad_token(notif, tokens) -> None:
    client, _ = notif
    bad = await client.get(
        "/api/v1/notifications/stream", headers={**tokens.headers(), "Last-Event-ID": "abc"}
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "Last-Event-ID"
    forged = await client.get("/api/v1/notifications/stream", params={"access_token": "x.y.z"})
    assert forged.status_code == 401


async def test_a_lost_announcement_is_caught_by_the_periodic_reread(
    tokens, database_url: str, redis_url: str, monkeypatch
) -> None:
    async def lost(*_args: object) -> None:  # Redis pub/sub is at-most-once
        return None

    monkeypatch.setattr(live, "announce", lost)
    async with service_client(
        create_app,
        service="notification",
        database_url=database_url,
        redis_url=redis_url,
        tokens=tokens,
        heartbeat_seconds=0.2,
        resync_seconds=0.5,
    ) as (_, app):
        user = uuid.uuid4()
        async with serve(app) as base, open_stream(base, tokens.headers(user_id=user)) as sse:
            await sse.next()
            await publish(app, forecast(user))
            block = await sse.next_event(within=5)
            assert json.loads(block.data)["kind"] == "forecast.finished"


async def test_each_new_notification_is_announced_once_as_stored_and_a_duplicate_not_at_all(
    notif, tokens
) -> None:
    client, app = notif
    user = uuid.uuid4()
    runtime = app.state.runtime
    async with runtime.redis.pubsub(ignore_subscribe_messages=True) as pubsub:
        await pubsub.subscribe(live.channel(runtime.settings.channel_prefix, user))

        async def announced(within: float) -> list[object]:
            found, deadline = [], time.monotonic() + within
            while time.monotonic() < deadline:
                if (message := await pubsub.get_message(timeout=0.05)) is not None:
                    found.append(json.loads(message["data"]))
            return found

        envelope = await publish(app, forecast(user))
        await publish(app, envelope)  # redelivered: handled already
        await publish(app, forecast(user, "failed"))
        stored = await wait_for_count(client, tokens.headers(user_id=user), 2)
        assert await announced(1.0) == stored[::-1]  # in commit order, each as the API shows it
        await publish(app, envelope)  # and once more, later
        await publish(app, registered(user, "en"))
        await wait_for_count(client, tokens.headers(user_id=user), 3)
        assert [item["kind"] for item in await announced(1.0)] == ["welcome"]  # type: ignore[index]
