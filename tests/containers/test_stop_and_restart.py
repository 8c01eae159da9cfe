"""A service container told to stop (SIGTERM, as the kubelet does) stops taking requests -
its readiness fails first - finishes the request it has accepted, and exits cleanly; a
message it had not acknowledged when it was killed is delivered again, and handled once; a
service container that is killed comes back by its restart policy, and every write it had
acknowledged is still there.

In flight means really in flight: the test holds a PostgreSQL lock that the request's (or
the event handler's) write waits for, and sees it waiting in pg_stat_activity."""

from __future__ import annotations

import asyncio
import os
import signal
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
import httpx
import pytest

from containers.play import Plan, PodPlan
from containers.stack import Runner, Stack
from tests.containers.conftest import pod
from tests.containers.test_journey import FARM, account
from tests.waiting import eventually

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def dsn(stack: Stack) -> str:
    return stack.database_url.replace("postgresql+asyncpg://", "postgresql://", 1)


@asynccontextmanager
async def table_locked(stack: Stack, table: str) -> AsyncIterator[asyncpg.Connection]:
    """``table`` locked against writes (reads go on) until the block ends."""
    conn = await asyncpg.connect(dsn(stack))
    tx = conn.transaction()
    await tx.start()
    try:
        await conn.execute(f"LOCK TABLE {table} IN SHARE MODE")
        yield conn
    finally:
        await tx.rollback()
        await conn.close()


async def waiting_on(stack: Stack, table: str) -> bool:
    """A session of the stack waits for a lock while writing ``table``."""
    conn = await asyncpg.connect(dsn(stack))
    try:
        query = (
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND query ILIKE $1"
        )
        return bool(await conn.fetchval(query, f"%{table.split('.')[1]}%"))
    finally:
        await conn.close()


def signal_main(runner: Runner, the_pod: PodPlan, sig: signal.Signals) -> None:
    """Signal the container's main process, as the runtime does for the kubelet (``podman
    kill`` would count as a stop by the user, after which the restart policy does nothing)."""
    os.kill(int(runner.podman.run("inspect", "--format", "{{.State.Pid}}", the_pod.container).stdout), sig)


def refuses(the_pod: PodPlan) -> bool:
    try:
        httpx.get(f"http://127.0.0.1:{the_pod.port}/readyz", timeout=1)
    except httpx.TransportError:
        return True
    return False


async def draining(runner: Runner, the_pod: PodPlan) -> bool:
    """Readiness fails (the listener is closed) while the process still runs."""
    return refuses(the_pod) and runner.state(the_pod.container)[0] == "running"


async def back(runner: Runner, the_pod: PodPlan, restarts: int) -> bool:
    """Restarted by the restart policy and ready again."""
    status, _, count = runner.state(the_pod.container)
    if status != "running" or count <= restarts:
        return False
    try:
        async with httpx.AsyncClient(timeout=2) as client:
            return (await client.get(f"http://127.0.0.1:{the_pod.port}/readyz")).status_code == 200
    except httpx.TransportError:
        return False


async def test_sigterm_finishes_the_request_in_flight(stack: Stack, plan: Plan, runner: Runner) -> None:
    farm = pod(plan, "farm")
    async with httpx.AsyncClient(base_url=stack.gateway_url, timeout=60) as client:
        farmer = await account(client, "farmer")
        restarts = runner.state(farm.container)[2]
        async with table_locked(stack, "farm_svc.farms"):
            request = asyncio.create_task(client.post("/api/v1/farms", json=FARM, headers=farmer))
            assert await eventually(lambda: waiting_on(stack, "farm_svc.farms"), within=30)
            signal_main(runner, farm, signal.SIGTERM)
            assert await eventually(lambda: draining(runner, farm), within=30)
            assert not request.done()
        answer = await request
        assert answer.status_code == 201, answer.text  # accepted before SIGTERM: finished
        assert await eventually(lambda: back(runner, farm, restarts), within=120)
        assert runner.state(farm.container)[1] == 0  # the stop was clean (exit code 0)
        stored = await client.get(f"/api/v1/farms/{answer.json()['id']}", headers=farmer)
        assert stored.status_code == 200


async def test_a_message_unacknowledged_at_the_kill_is_delivered_again(
    stack: Stack, plan: Plan, runner: Runner
) -> None:
    notification = pod(plan, "notification")
    restarts = runner.state(notification.container)[2]
    async with httpx.AsyncClient(base_url=stack.gateway_url, timeout=30) as client:
        async with table_locked(stack, "notification_svc.notifications"):
            user = await account(client, "consumer")  # user.registered: a welcome notification
            assert await eventually(lambda: waiting_on(stack, "notification_svc.notifications"), within=30)
            signal_main(runner, notification, signal.SIGTERM)
            # it stops taking messages but waits for the handler in progress: the grace
            # period ends with SIGKILL, the message still unacknowledged
            assert await eventually(lambda: draining(runner, notification), within=30)
            signal_main(runner, notification, signal.SIGKILL)
        assert await eventually(lambda: back(runner, notification, restarts), within=120)

        async def welcomes() -> list[dict]:
            items = (await client.get("/api/v1/notifications", headers=user)).json()["items"]
            return [n for n in items if n["kind"] == "welcome"]

        assert len(await eventually(welcomes, within=60)) == 1  # delivered again, handled once


async def test_a_killed_service_comes_back_with_every_acknowledged_write(
    stack: Stack, plan: Plan, runner: Runner
) -> None:
    farm = pod(plan, "farm")
    restarts = runner.state(farm.container)[2]
    acknowledged: list[str] = []
    after_kill = asyncio.Event()
    async with httpx.AsyncClient(base_url=stack.gateway_url, timeout=30) as client:
        farmer = await account(client, "farmer")

        async def write() -> int:
            """Register farms until ten more are acknowledged after the restart; the count at the kill."""
            at_kill = 0
            while not after_kill.is_set() or len(acknowledged) < at_kill + 10:
                if not after_kill.is_set():
                    at_kill = len(acknowledged)
                body = {**FARM, "name": f"Restart Farm {uuid.uuid4().hex[:6]}"}
                try:
                    answer = await client.post("/api/v1/farms", json=body, headers=farmer)
                except httpx.TransportError:
                    answer = None
                if answer is not None and answer.status_code == 201:
                    acknowledged.append(answer.json()["id"])
                    continue
                # while the farm pod is down the gateway answers 502/503/504: never a 500
                assert answer is None or answer.status_code in (502, 503, 504), answer.text
                await asyncio.sleep(0.2)
            return at_kill

        async def some_written() -> bool:
            return len(acknowledged) >= 10

        writer = asyncio.create_task(write())
        assert await eventually(some_written, within=60)
        signal_main(runner, farm, signal.SIGKILL)  # a crash: no drain, no goodbye
        assert await eventually(lambda: back(runner, farm, restarts), within=120)
        after_kill.set()
        at_kill = await asyncio.wait_for(writer, 120)
        assert len(acknowledged) >= at_kill + 10  # and it serves again
        for farm_id in acknowledged:
            stored = await client.get(f"/api/v1/farms/{farm_id}", headers=farmer)
            assert stored.status_code == 200, f"acknowledged farm {farm_id} is lost"
