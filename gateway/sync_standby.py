"""The ledger waits for the standby, but not for ever: the local stand-in for what the
CloudNativePG operator does in Kubernetes with ``synchronous: dataDurability: preferred``.

A pair's primary names any streaming standby synchronous (``synchronous_standby_names =
'ANY 1 (*)'``, set by gateway/datatier.py once its standby streams), and the sessions that ask
for it (the blockchain service: ``synchronous_commit = on``) get their commit back only once
that standby has it on disk: losing the primary loses none of the ledger's commits (RPO 0 for
them). Were the standby gone, those commits would wait until it came back. So, as an operator
would, this guard looks at the primary every second: once no standby has streamed for
``grace`` seconds it names none (``ALTER SYSTEM``, then a reload: PostgreSQL releases the
waiting commits at once, each committed on the primary), and once one streams again it names
it again. Meanwhile the
ledger's commits are on the primary only, as every other service's always are; ReplicaDown
(the services' ``database_replica_up``) says so.

The supervisor of ``make up`` runs it for the project's own primary
(``PAMTALK_SYNC_STANDBY_PRIMARY``, set by the launcher); the tests run it on their own pairs.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time

import asyncpg

from gateway.datatier import SYNC_STANDBYS

log = logging.getLogger("pamtalk.sync_standby")
PRIMARY_ENV = "PAMTALK_SYNC_STANDBY_PRIMARY"
GRACE_SECONDS = 5.0  # PAMTALK_SYNC_STANDBY_GRACE_SECONDS: how long a ledger commit may wait
LOOK_SECONDS = 1.0

LOOK = (
    "SELECT (SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'), "
    "current_setting('synchronous_standby_names')"
)
NAME_NONE = "ALTER SYSTEM SET synchronous_standby_names = ''"
NAME_ANY = f"ALTER SYSTEM SET synchronous_standby_names = '{SYNC_STANDBYS}'"
RELOAD = "SELECT pg_reload_conf()"


class SyncStandbyGuard:
    """Looks at one primary (``step``, from a loop of the caller's; no thread of its own)."""

    def __init__(self, url: str, grace: float = GRACE_SECONDS) -> None:
        self.url = url
        self.grace = grace
        self._loop = asyncio.new_event_loop()
        self._conn: asyncpg.Connection | None = None
        self._streamed_at = time.monotonic()
        self._looked_at = 0.0

    @classmethod
    def from_env(cls) -> SyncStandbyGuard | None:
        url = os.environ.get(PRIMARY_ENV, "")
        if not url:
            return None
        return cls(url, float(os.environ.get("PAMTALK_SYNC_STANDBY_GRACE_SECONDS") or GRACE_SECONDS))

    def step(self, now: float | None = None) -> str | None:
        """One look, at most every second: ``"none named"`` or ``"named"`` when it changed
        the primary's setting, else ``None`` (also while the primary does not answer)."""
        now = time.monotonic() if now is None else now
        if now - self._looked_at < LOOK_SECONDS:
            return None
        self._looked_at = now
        try:
            return self._loop.run_until_complete(self._step(now))
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError):
            self._drop()  # the primary restarts or is gone: look again next time
            return None

    async def _step(self, now: float) -> str | None:
        if self._conn is None or self._conn.is_closed():
            self._conn = await asyncpg.connect(self.url, timeout=5)
        streaming, names = await self._conn.fetchrow(LOOK, timeout=5)
        if streaming:
            self._streamed_at = now
            if not names:
                await self._apply(NAME_ANY)
                log.warning("a standby streams again: the ledger's commits wait for it again")
                return "named"
        elif names and now - self._streamed_at >= self.grace:
            await self._apply(NAME_NONE)
            log.warning(
                "no standby has streamed for %.0f s: the ledger's commits no longer wait for one", self.grace
            )
            return "none named"
        return None

    async def _apply(self, statement: str) -> None:
        assert self._conn is not None
        await self._conn.execute(statement)
        await self._conn.fetchval(RELOAD)

    def _drop(self) -> None:
        if self._conn is not None:
            self._conn.terminate()
            self._conn = None

    def close(self) -> None:
        if self._conn is not None:
            self._loop.run_until_complete(self._conn.close())
            self._conn = None
        self._loop.close()
