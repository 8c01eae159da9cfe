"""A streaming read replica of one service's database: its pool, how far it lags, and whether
a read may use it.

``Database.read("replica")`` asks ``Replica.target`` where to go:

- **Lag.** A watcher samples, every ``watch_seconds``, the primary's WAL position and then the
  replica's replayed position. The replica's lag is how long ago the primary first held
  something the replica still does not show (measured to one watch period; 0 when it shows
  everything the primary had at the last sample). Over ``max_lag`` seconds, or the replica
  not answering, reads go to the primary, and back once it has caught up again.
- **Read-your-writes.** After a write by a logged-in user, ``Database.write`` asks the primary
  for its WAL position (past the commit) and keeps it in Redis under the user's id, for
  ``ttl`` seconds: long enough that a replica lagging less than ``max_lag`` has it anyway. A
  replica read by that user goes to the replica only once it has replayed that position:
  at once when the last sample says so, else after waiting up to ``wait`` seconds for it, else
  on the primary. Anonymous reads and reads by users who wrote nothing lately need no check.
  A service whose replica reads are all public (``own_writes=False``: the transaction
  service's dashboard, cached for a minute anyway) tracks nothing: its writes cost no
  position query and no Redis SET, its replica reads no Redis GET.

The watcher's figures are the metrics ``database_replica_lag_seconds`` and
``database_replica_up``; ``database_reads_total`` counts reads by the target they used.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import time
from typing import Any

import asyncpg
from redis.asyncio import Redis

from pamtalk.context import user_id_var
from pamtalk.db.statements import sql
from pamtalk.metrics import DB_READS, REPLICA_LAG, REPLICA_UP

log = logging.getLogger("pamtalk.db.replica")

# WAL positions as byte offsets (asyncpg has no pg_lsn codec).
PRIMARY_LSN = sql("SELECT (pg_current_wal_lsn() - '0/0'::pg_lsn)::bigint")
REPLAYED_LSN = sql(
    "SELECT (CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END"
    " - '0/0'::pg_lsn)::bigint"
)
CONNECT_TIMEOUT = 3.0  # seconds: a replica that does not answer is left for the primary quickly
# seconds between two looks while a read waits for its writer's commit: the standby usually
# replays it within a millisecond or two, so the first looks come quickly, then less often
POLL_FIRST, POLL_MOST = 0.0005, 0.01


class Replica:
    """One service's read replica (see the module's text)."""

    def __init__(
        self,
        url: str,
        *,
        service: str,
        redis: Redis | None,
        capacity: int,
        max_lag: float = 5.0,
        wait: float = 0.25,
        watch_seconds: float = 1.0,
        pool_options: dict[str, Any] | None = None,
        own_writes: bool = True,
    ) -> None:
        self.url = url
        self.pool_options = pool_options or {}
        self.service = service
        self.redis = redis
        self.capacity = capacity
        self.max_lag = max_lag
        self.wait = wait
        self.watch_seconds = watch_seconds
        self.own_writes = own_writes  # read-your-writes tracked (see the module's text)
        self.ttl = max(10, int(2 * max_lag + 2 * watch_seconds) + 1)
        self.pool: asyncpg.Pool | None = None
        self.up = False
        self.lag: float | None = None  # seconds; None until measured
        self.replayed = 0  # the replica's replayed WAL position at the last sample
        self._history: collections.deque[tuple[float, int]] = collections.deque(maxlen=3600)
        self._task: asyncio.Task[None] | None = None

    # --- where a read goes -------------------------------------------------------------

    @property
    def usable(self) -> bool:
        return self.up and self.lag is not None and self.lag <= self.max_lag

    def _key(self, user: str) -> str:
        return f"pamtalk:written-lsn:{self.service}:{user}"

    async def remember(self, lsn: int) -> None:
        """The current user's last write reached WAL position ``lsn`` (kept ``ttl`` seconds)."""
        user = user_id_var.get()
        if user is None or self.redis is None or not self.own_writes:
            return
        try:
            await self.redis.set(self._key(user), lsn, ex=self.ttl)
        except Exception:  # the write is committed either way; the user may read it stale
            log.warning("read-your-writes position not kept (Redis)", extra={"service": self.service})

    async def _written(self) -> int | None:
        """The current user's last write position, or ``None`` (no user, or none lately);
        ``-1`` when it cannot be known (Redis down): the caller reads the primary."""
        user = user_id_var.get()
        if user is None or self.redis is None or not self.own_writes:
            return None
        try:
            value = await self.redis.get(self._key(user))
        except Exception:
            return -1
        return None if value is None else int(value)

    async def target(self) -> tuple[str, int | None]:
        """``("replica", lsn)`` when a read may use the replica (``lsn``: the position it
        must have replayed first, or ``None``), else ``("primary", None)``."""
        if not self.usable:
            return "primary", None
        written = await self._written()
        if written is None or 0 <= written <= self.replayed:
            return "replica", None
        if written < 0:
            return "primary", None
        return "replica", written

    async def caught_up(self, conn: asyncpg.Connection, lsn: int) -> bool:
        """Whether the replica (``conn``) replays up to ``lsn`` within ``wait`` seconds."""
        deadline = time.monotonic() + self.wait
        pause = POLL_FIRST
        while True:
            replayed = await conn.fetchval(REPLAYED_LSN.text)
            if replayed is not None and replayed >= lsn:
                self.replayed = max(self.replayed, int(replayed))
                return True
            if time.monotonic() >= deadline:
                return False
            await asyncio.sleep(pause)
            pause = min(pause * 2, POLL_MOST)

    def counted(self, role: str, target: str) -> None:
        DB_READS.labels(self.service, role, target).inc()

    def lost(self) -> None:
        """A read found the replica gone: the primary serves until the watcher sees it back."""
        if self.up:
            log.warning("replica lost: reads go to the primary", extra={"service": self.service})
        self.up = False
        REPLICA_UP.labels(self.service).set(0)

    # --- its pool and its watcher ------------------------------------------------------

    async def open(self) -> asyncpg.Pool:
        if self.pool is None:
            self.pool = await asyncpg.create_pool(
                self.url, min_size=0, max_size=self.capacity, timeout=CONNECT_TIMEOUT, **self.pool_options
            )
        return self.pool

    def start(self, primary: Any) -> None:
        """Watch the lag (``primary``: the ``Database``'s primary pool getter)."""
        if self._task is None:
            self._task = asyncio.create_task(self._watch(primary), name=f"replica-watch-{self.service}")

    async def _watch(self, primary: Any) -> None:
        while True:
            try:
                await self.sample(primary)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("replica watch failed", extra={"service": self.service})
            await asyncio.sleep(self.watch_seconds)

    async def sample(self, primary: Any) -> None:
        """One look: the primary's position, then the replica's; the lag from the history."""
        now = time.monotonic()
        try:
            pool = await primary()
            async with pool.acquire(timeout=CONNECT_TIMEOUT) as conn:
                self._history.append((now, int(await conn.fetchval(PRIMARY_LSN.text))))
        except Exception:  # the primary's own outage is reported elsewhere: keep the history
            pass
        try:
            pool = await self.open()
            async with pool.acquire(timeout=CONNECT_TIMEOUT) as conn:
                async with asyncio.timeout(CONNECT_TIMEOUT):  # not wait_for: see close()
                    replayed = int(await conn.fetchval(REPLAYED_LSN.text))
        except Exception as exc:
            if self.up:
                log.warning("replica not answering: %s", exc, extra={"service": self.service})
            self.up = False
            REPLICA_UP.labels(self.service).set(0)
            return
        if not self.up:
            log.info("replica answering", extra={"service": self.service})
        self.up = True
        self.replayed = replayed
        self.lag = self._lag(replayed, time.monotonic())
        REPLICA_UP.labels(self.service).set(1)
        REPLICA_LAG.labels(self.service).set(self.lag)

    def _lag(self, replayed: int, now: float) -> float:
        """Seconds since the primary first held a position past ``replayed`` (0: none did)."""
        while len(self._history) > 1 and self._history[1][1] <= replayed:
            self._history.popleft()  # the replica shows all these held
        for at, position in self._history:
            if position > replayed:
                return max(0.0, now - at)
        return 0.0

    async def close(self) -> None:
        # The watcher stops only by this cancellation, so nothing in it may swallow one:
        # Python 3.11's asyncio.wait_for does when what it awaits finishes at that moment
        # (CPython gh-86296), and close() then waited for ever; asyncio.timeout does not.
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            self._task = None
        if self.pool is not None:
            await self.pool.close()
            self.pool = None
