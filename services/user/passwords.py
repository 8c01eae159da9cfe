"""Password hashing with argon2id, off the event loop (hashing is deliberately slow).

Each hash in flight holds ``memory_kib`` (19 MiB by default) for its duration, so the hashes
a process runs at once are bounded (``concurrency``, sized to the pod's memory limit:
docs/performance.md). A request waits up to ``wait_seconds`` for a free slot; beyond that it
is a 503 problem with ``Retry-After`` and nothing was done. Waiting costs no hash memory.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import TypeVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from pamtalk.errors import Problem, unavailable_problem

T = TypeVar("T")


def busy_problem() -> Problem:
    return unavailable_problem(
        "Too many password checks are running; nothing was changed. Try again shortly.",
        type_="password-hashing-busy",
    )


class Passwords:
    def __init__(
        self, time_cost: int, memory_kib: int, concurrency: int = 2, wait_seconds: float = 10.0
    ) -> None:
        self._hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=1)
        self._slots = asyncio.Semaphore(concurrency)
        self._wait_seconds = wait_seconds
        # Verified against when the account does not exist, so timing does not tell.
        self._dummy = self._hasher.hash("not-a-real-password")

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """One of the ``concurrency`` hashes this process may run at once; a 503 problem
        when none frees within ``wait_seconds``."""
        try:
            async with asyncio.timeout(self._wait_seconds):
                await self._slots.acquire()
        except TimeoutError:
            raise busy_problem() from None
        try:
            yield
        finally:
            self._slots.release()

    async def _run(self, work: Callable[[], T]) -> T:
        async with self.slot():
            return await asyncio.to_thread(work)

    async def hash(self, password: str) -> str:
        return await self._run(lambda: self._hasher.hash(password))

    async def verify(self, stored: str | None, password: str) -> bool:
        def check() -> bool:
            try:
                return self._hasher.verify(stored or self._dummy, password) and stored is not None
            except (VerifyMismatchError, VerificationError, InvalidHashError):
                return False

        return await self._run(check)
