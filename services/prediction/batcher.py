"""Micro-batching of model calls: concurrent requests share one model call.

Callers ``await batcher.submit(item)``. A loop takes the first waiting item, gathers more
until it has ``max_size`` of them or ``max_wait`` seconds have passed since it took the
first, and runs the batch function in a worker thread (``asyncio.to_thread``), so the event
loop never waits for model work. While a call runs the next batch builds up in the queue;
``concurrency`` calls may run at once. Every call is timed in ``model_inference_seconds``.

An error of the batch function fails no caller by itself: the batch is split and each item
is run alone, so only the items that fail on their own get the error.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from pamtalk.metrics import MODEL_INFERENCE

log = logging.getLogger("pamtalk.prediction.batcher")
T = TypeVar("T")
R = TypeVar("R")


class BatcherClosed(RuntimeError):
    """The batcher is stopping and takes no more work."""


@dataclass
class BatchStats:
    calls: int = 0  # model calls made (batches, plus single retries after a failed batch)
    items: int = 0  # items answered
    largest: int = 0  # largest batch so far


class MicroBatcher(Generic[T, R]):
    def __init__(
        self,
        fn: Callable[[Sequence[T]], Sequence[R]],
        *,
        model: str,
        max_size: int = 64,
        max_wait: float = 0.002,
        concurrency: int = 1,
    ) -> None:
        if max_size < 1 or max_wait < 0 or concurrency < 1:
            raise ValueError("max_size and concurrency must be at least 1, max_wait not negative")
        self.fn, self.model = fn, model
        self.max_size, self.max_wait = max_size, max_wait
        self.stats = BatchStats()
        self._queue: asyncio.Queue[tuple[T, asyncio.Future[R]]] = asyncio.Queue()
        self._slots = asyncio.Semaphore(concurrency)
        self._calls: set[asyncio.Task[None]] = set()
        self._loop_task: asyncio.Task[None] | None = None
        self._closed = False

    def start(self) -> None:
        self._loop_task = asyncio.create_task(self._run(), name=f"batcher:{self.model}")

    async def submit(self, item: T) -> R:
        """The result for ``item``, computed in a batch with whatever else is waiting."""
        if self._closed:
            raise BatcherClosed(f"the {self.model} batcher is stopping")
        future: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait((item, future))
        return await future

    async def stop(self) -> None:
        """Take no new items, finish the batches in hand, fail what never started."""
        self._closed = True
        if self._loop_task is not None:
            self._loop_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._loop_task
        if self._calls:
            await asyncio.wait(set(self._calls))
        while not self._queue.empty():
            _, future = self._queue.get_nowait()
            _fail(future, BatcherClosed(f"the {self.model} batcher stopped"))

    async def _run(self) -> None:
        while True:
            await self._slots.acquire()
            try:
                batch = await self._gather()
            except BaseException:
                self._slots.release()
                raise
            task = asyncio.create_task(self._call(batch))
            self._calls.add(task)
            task.add_done_callback(self._calls.discard)

    async def _gather(self) -> list[tuple[T, asyncio.Future[R]]]:
        batch = [await self._queue.get()]
        deadline = time.monotonic() + self.max_wait
        try:
            while len(batch) < self.max_size:
                if not self._queue.empty():
                    batch.append(self._queue.get_nowait())
                    continue
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                try:  # not wait_for, which on Python 3.11 can lose stop()'s cancellation
                    async with asyncio.timeout(remaining):
                        batch.append(await self._queue.get())
                except TimeoutError:
                    break
        except asyncio.CancelledError:  # stopping while gathering: these never reach the model
            for _, future in batch:
                _fail(future, BatcherClosed(f"the {self.model} batcher stopped"))
            raise
        return batch

    async def _call(self, batch: list[tuple[T, asyncio.Future[R]]]) -> None:
        try:
            live = [(item, f) for item, f in batch if not f.done()]  # cancelled callers drop out
            if not live:
                return
            try:
                results = await self._model([item for item, _ in live])
            except Exception as exc:
                if len(live) == 1:
                    _fail(live[0][1], exc)
                    return
                log.warning("batch of %d failed, running its items alone: %r", len(live), exc)
                for item, future in live:
                    try:
                        (result,) = await self._model([item])
                    except Exception as single:
                        _fail(future, single)
                    else:
                        _resolve(future, result)
                return
            for (_, future), result in zip(live, results, strict=True):
                _resolve(future, result)
        finally:
            self._slots.release()

    async def _model(self, items: list[T]) -> Sequence[R]:
        try:
            results = await asyncio.to_thread(self._timed, items)
        finally:
            self.stats.calls += 1
        if len(results) != len(items):
            raise RuntimeError(f"{self.model}: {len(results)} results for {len(items)} items")
        self.stats.items += len(items)
        self.stats.largest = max(self.stats.largest, len(items))
        return results

    def _timed(self, items: list[T]) -> Sequence[R]:
        started = time.perf_counter()
        try:
            return self.fn(items)
        finally:
            MODEL_INFERENCE.labels(self.model).observe(time.perf_counter() - started)


def _resolve(future: asyncio.Future[R], result: R) -> None:
    if not future.done():
        future.set_result(result)


def _fail(future: asyncio.Future[R], error: BaseException) -> None:
    if not future.done():
        future.set_exception(error)
