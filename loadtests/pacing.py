"""Open-loop pacing for the load generator: Poisson arrivals and the greenlets that run them.

Used inside the Locust process (gevent). ``pace`` draws the arrivals of all virtual users as
one Poisson stream of their summed rate and hands each to a user picked at random: by the
superposition property this is the same traffic as every user keeping its own Poisson
schedule (each user's arrivals stay a Poisson process of its own rate), but the process wakes
once per arrival instead of once per user timer, and a rate change (a find-max step, users
arriving during the ramp) is seen within ``nap`` seconds without waking any user.

``Workers`` runs each arrival in a greenlet of its own so that a slow answer never delays the
next send, but reuses finished greenlets instead of spawning one per arrival (a new greenlet
costs a frame stack mapped and unmapped, and the group's link and unlink).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import Any

import gevent
from gevent.pool import Group
from gevent.queue import Queue

NAP = 0.1  # seconds: the longest the pacer sleeps before it looks at the rate again


def pace(
    total_rate: Callable[[], float],
    send: Callable[[float], None],
    stopped: Callable[[], bool],
    rng: random.Random | None = None,
    nap: float = NAP,
) -> None:
    """Call ``send(due)`` for each arrival of a Poisson stream of ``total_rate()`` a second.

    ``due`` is the arrival's time on ``time.monotonic``'s clock: whoever sends it can tell how
    late it went out. Arrivals already due when the pacer wakes (it was busy) are all sent
    at once, so the offered rate holds however slow the rest of the process gets. A new rate
    takes effect with a new draw (memoryless: the stream stays Poisson)."""
    rng = rng or random.Random()
    due: float | None = None
    rate = 0.0
    while not stopped():
        now = time.monotonic()
        current = total_rate()
        if current <= 0:
            due, rate = None, 0.0
            gevent.sleep(nap)
            continue
        if due is None or (current != rate and due > now):
            due = now + rng.expovariate(current)
        rate = current
        while due <= now:
            send(due)
            due += rng.expovariate(rate)
        gevent.sleep(min(due - now, nap))


class Workers:
    """Greenlets that run one job each at a time and are reused; ``busy`` jobs are open."""

    def __init__(self, keep: int = 2000) -> None:
        self.busy = 0
        self._idle = 0
        self._keep = keep  # idle greenlets kept for the next jobs; more than that end
        self._jobs: Queue = Queue()
        self._group = Group()

    def __len__(self) -> int:
        return self.busy

    def submit(self, job: Callable[..., Any], *args: Any) -> None:
        self.busy += 1
        if self._idle:
            self._jobs.put((job, args))
        else:
            self._group.spawn(self._work, job, args)

    def _work(self, job: Callable[..., Any], args: tuple[Any, ...]) -> None:
        while True:
            try:
                job(*args)
            finally:
                self.busy -= 1
            if self._idle >= self._keep:
                return
            self._idle += 1
            try:
                job, args = self._jobs.get()
            finally:
                self._idle -= 1

    def join(self, timeout: float) -> None:
        """Wait up to ``timeout`` seconds for the open jobs to finish."""
        deadline = time.monotonic() + timeout
        while self.busy and time.monotonic() < deadline:
            gevent.sleep(0.05)

    def kill(self) -> None:
        self._group.kill(block=False)
