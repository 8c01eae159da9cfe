"""Loops that stop by cancellation stop even when the cancellation meets the end of what they
wait for (a query's answer, a queued item): Python 3.11's ``asyncio.wait_for`` drops the
cancellation then (CPython gh-86296), and whoever stopped the loop waited for ever - a test
run hung in the replica watcher's ``close()``. Each test finishes the wait and stops the loop
in the same step of the event loop, the race made certain."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Coroutine
from contextlib import asynccontextmanager
from typing import Any

import pytest

from pamtalk.db.replica import Replica
from services.prediction.batcher import BatcherClosed, MicroBatcher
from tests.waiting import wait_until


async def _ends(stopping: Coroutine[Any, Any, None]) -> None:
    """``stopping`` finishes (within a generous 20 s; at once when right). Waited for without
    cancelling it: a stop that waits for ever must fail here, not be cut short."""
    task = asyncio.create_task(stopping)
    done, _ = await asyncio.wait({task}, timeout=20)
    if task not in done:
        task.cancel()
        pytest.fail("the loop did not stop: its cancellation was lost")
    task.result()


class _Conn:
    """A connection whose replica query waits until the test answers it."""

    def __init__(self, answers: asyncio.Queue[asyncio.Future[int]]) -> None:
        self.answers = answers

    async def fetchval(self, query: str) -> int:
        if "pg_current_wal_lsn() - " in query:  # the primary's position: at once
            return 100
        answer: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self.answers.put_nowait(answer)
        return await answer


class _Pool:
    def __init__(self, conn: _Conn) -> None:
        self.conn = conn

    @asynccontextmanager
    async def acquire(self, **_: Any) -> AsyncIterator[_Conn]:
        yield self.conn

    async def close(self) -> None:
        pass


async def test_the_replica_watcher_stops_when_closed_as_its_query_answers() -> None:
    answers: asyncio.Queue[asyncio.Future[int]] = asyncio.Queue()
    pool: Any = _Pool(_Conn(answers))
    replica = Replica("postgresql://unused", service="kit-stop", redis=None, capacity=1, watch_seconds=0)
    replica.pool = pool

    async def primary() -> Any:
        return pool

    replica.start(primary)
    async with asyncio.timeout(30):
        (await answers.get()).set_result(100)  # one sample answered: the watcher runs
        (await answers.get()).set_result(100)  # the next answered ...
    await _ends(replica.close())  # ... and closed in the same step
    assert replica._task is None and replica.pool is None
    assert answers.empty()  # no sample after the close


async def test_the_batcher_stops_when_an_item_arrives_as_it_is_stopped() -> None:
    batcher: MicroBatcher[int, int] = MicroBatcher(
        lambda items: [i * 2 for i in items], model="kit-stop", max_size=8, max_wait=30
    )
    batcher.start()
    first = asyncio.create_task(batcher.submit(1))
    await asyncio.sleep(0)  # submitted: queued
    await wait_until(lambda: batcher._queue.empty())  # taken: the batcher waits for more, up to 30 s
    second = asyncio.create_task(batcher.submit(2))
    await asyncio.sleep(0)  # queued: the batcher's wait for a second item has ended
    await _ends(batcher.stop())  # stopped in that same step
    for task in (first, second):
        with pytest.raises(BatcherClosed):  # never reached the model: told so, not left hanging
            await task
