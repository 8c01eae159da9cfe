"""Waiting, in tests, for what happens on its own time: a consumer applying an event, the
outbox relay publishing after a commit (it gathers the commits of 20 ms first), a stream
ringing. Poll with a generous deadline (the CI machine may be loaded), never a fixed sleep."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from fastapi import FastAPI

from pamtalk.events.envelope import Envelope

T = TypeVar("T")
DEADLINE = 10.0  # seconds, unless a test says otherwise


async def eventually(
    probe: Callable[[], Awaitable[T]], ok: Callable[[T], object] = bool, *, within: float = DEADLINE
) -> T:
    """Await ``probe`` until ``ok`` holds for its result (by default: the result is truthy)
    and return that result; an AssertionError naming the last result after ``within`` s."""
    deadline = asyncio.get_running_loop().time() + within
    while True:
        value = await probe()
        if ok(value):
            return value
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"gave up waiting after {within} s (last value {value!r})")
        await asyncio.sleep(0.02)


async def wait_until(predicate: Callable[[], object], within: float = DEADLINE) -> None:
    """Poll the plain function ``predicate`` until it is truthy (AssertionError after ``within`` s)."""

    async def probe() -> object:
        return predicate()

    await eventually(probe, within=within)


def sent(app: FastAPI, event_type: str, **data: Any) -> list[Envelope]:
    """The events of that type, with these data values, the service's bus has published so far
    (each service's tests' ``published`` flushes its relay first, or waits for one)."""
    return [
        e
        for e in app.state.runtime.bus.published
        if e.type == event_type and all(e.data.get(key) == value for key, value in data.items())
    ]
