"""A primary and its streaming hot standby of the test session's own (gateway/datatier.py), in
a scratch folder on free ports, torn down at the end: tests may pause the standby's replay,
stop and start it, without touching the machine's PostgreSQL."""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import pytest

from gateway.datatier import PG_BIN, Instance, Pair
from tests.live_server import free_port

PAUSE = "SELECT pg_wal_replay_pause()"
RESUME = "SELECT pg_wal_replay_resume()"
PAUSE_STATE = "SELECT pg_get_wal_replay_pause_state()"
RECEIVER = "SELECT pid FROM pg_stat_wal_receiver WHERE status = 'streaming'"


class TestPair(Pair):
    """The pair, with what tests do to its standby."""

    __test__ = False  # not a test class

    async def _standby(self, query: str) -> object:
        conn = await asyncpg.connect(self.standby.url("postgres"), timeout=10)
        try:
            return await conn.fetchval(query)
        finally:
            await conn.close()

    async def pause_replay(self, within: float = 30) -> None:
        """Until the standby has stopped replaying (it still receives the primary's WAL)."""
        await self._standby(PAUSE)
        deadline = asyncio.get_running_loop().time() + within
        while await self._standby(PAUSE_STATE) != "paused":
            assert asyncio.get_running_loop().time() < deadline, "replay did not pause"
            await asyncio.sleep(0.05)

    async def wait_replayed(self, within: float = 60) -> None:
        """Until the standby has replayed everything the primary had written when asked."""
        conn = await asyncpg.connect(self.primary.url("postgres"), timeout=10)
        try:
            target = await conn.fetchval("SELECT pg_current_wal_lsn()::text")
        finally:
            await conn.close()
        query = f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn"
        deadline = asyncio.get_running_loop().time() + within
        while await self._standby(query) is not True:
            assert asyncio.get_running_loop().time() < deadline, "the standby did not catch up"
            await asyncio.sleep(0.05)

    async def wal_receiver_pid(self, within: float = 60) -> int:
        """The process of the standby that receives the primary's WAL (once it streams)."""
        deadline = asyncio.get_running_loop().time() + within
        while not isinstance(pid := await self._standby(RECEIVER), int):
            assert asyncio.get_running_loop().time() < deadline, "the standby has no WAL receiver"
            await asyncio.sleep(0.05)
        return pid

    async def resume_replay(self) -> None:
        await self._standby(RESUME)

    async def stop_standby(self) -> None:
        await asyncio.to_thread(self.standby.stop, "fast")

    async def start_standby(self) -> None:
        await asyncio.to_thread(self.standby.start)
        await asyncio.to_thread(self.wait_streaming, 120)


def _available() -> None:
    if not (PG_BIN / "pg_basebackup").exists():
        message = f"PostgreSQL binaries are not in {PG_BIN} (set PAMTALK_PG_BIN)"
        if os.environ.get("PAMTALK_REQUIRE_SERVICES") == "1":
            pytest.fail(message + " and PAMTALK_REQUIRE_SERVICES=1", pytrace=False)
        pytest.skip(message)


def scratch_folder() -> Path:
    root = Path(tempfile.mkdtemp(prefix="pamtalk-pg-"))
    root.chmod(0o755)
    return root


def pair_fixture() -> Iterator[TestPair]:
    _available()
    root = scratch_folder()
    pair = TestPair(root / "pg", free_port(), free_port())
    try:
        pair.up(timeout=180)
        yield pair
    finally:
        pair.down()
        shutil.rmtree(root, ignore_errors=True)


async def own_pair_fixture() -> AsyncIterator[TestPair]:
    """A pair for one test alone: it may lose its primary or promote its standby."""
    _available()
    root = scratch_folder()
    pair = TestPair(root / "pg", free_port(), free_port())
    try:
        await asyncio.to_thread(pair.up, 180)
        yield pair
    finally:
        await asyncio.to_thread(pair.down)
        shutil.rmtree(root, ignore_errors=True)


def instance_fixture() -> Iterator[Instance]:
    """One more PostgreSQL instance of the session's own (a farm shard)."""
    _available()
    root = scratch_folder()
    instance = Instance(root / "pg" / "shard", free_port())
    try:
        instance.folder.parent.mkdir(parents=True)
        instance.init()
        yield instance
    finally:
        instance.stop()
        shutil.rmtree(root, ignore_errors=True)
