"""The ledger's commits are on the standby before they return (synchronous_commit = on, the
blockchain service's setting; gateway/postgresql.conf names any streaming standby
synchronous), so losing the primary loses none of them; every other service's commits do not
wait. And with the standby gone, the ledger waits only a few seconds: gateway/sync_standby.py
names no standby until one streams again (pairs of these tests' own)."""

from __future__ import annotations

import asyncio
import os
import signal
import threading
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager

import asyncpg
import pytest
from sqlalchemy import Column, MetaData, Table, Text, Uuid

from gateway.sync_standby import SyncStandbyGuard
from pamtalk.bus import MemoryBus
from pamtalk.db.database import Database
from pamtalk.db.outbox import OutboxRelay, outbox_table
from pamtalk.db.statements import sql
from pamtalk.events.catalogue import UserRegistered
from services.blockchain.settings import BlockchainSettings
from tests.kit.db_support import create_tables
from tests.pg_pair import TestPair
from tests.waiting import eventually

pytestmark = pytest.mark.integration

ADD = sql("INSERT INTO notes (id, text) VALUES (:id, :text)")
SETTING = sql("SHOW synchronous_commit")
COUNT_ONE = sql("SELECT count(*) FROM notes WHERE id = :id")
SCHEMA = "kit_durable"
GRACE = 2.0


def notes() -> MetaData:
    metadata = MetaData(schema=SCHEMA)
    Table("notes", metadata, Column("id", Uuid, primary_key=True), Column("text", Text, nullable=False))
    outbox_table(metadata)
    return metadata


@asynccontextmanager
async def ledger_and_other(pair: TestPair) -> AsyncIterator[tuple[Database, Database]]:
    """The same schema through a pool that commits as the ledger does and one that commits as
    every other service does."""
    url = pair.primary.url()
    ledger = Database(url, SCHEMA, pool_size=2, synchronous_commit=BlockchainSettings().db_synchronous_commit)
    other = Database(url, SCHEMA, pool_size=2)
    try:
        await create_tables(other, notes())
        yield ledger, other
    finally:
        await ledger.close()
        await other.close()


async def relay_round(ledger: Database, other: Database) -> None:
    """An event in the schema's outbox (written by ``other``: committed at once), then
    published by a relay round on the ledger's pool."""
    async with other.write() as tx:
        await tx.add_event(
            UserRegistered(user_id=uuid.uuid4(), email="a@b.kr", display_name="A", role="consumer")
        )
    bus = MemoryBus()
    assert await OutboxRelay(ledger, bus).publish_pending() == 1
    assert [envelope.type for envelope in bus.published] == ["user.registered"]


async def add(db: Database, text: str) -> uuid.UUID:
    key = uuid.uuid4()
    async with db.write() as tx:
        await tx.execute(ADD, id=key, text=text)
    return key


async def primary_value(pair: TestPair, query: str) -> object:
    conn = await asyncpg.connect(pair.primary.url("postgres"), timeout=10)
    try:
        return await conn.fetchval(query)
    finally:
        await conn.close()


async def waiting_for_standby(pair: TestPair) -> bool:
    query = "SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'SyncRep'"
    return bool(await primary_value(pair, query))


@asynccontextmanager
async def receiver_stopped(pair: TestPair) -> AsyncIterator[None]:
    """The standby's WAL receiver frozen (SIGSTOP): it takes no more WAL until thawed."""
    pid = await pair.wal_receiver_pid()
    os.kill(pid, signal.SIGSTOP)
    try:
        yield
    finally:
        os.kill(pid, signal.SIGCONT)


@contextmanager
def guard_running(pair: TestPair) -> Iterator[None]:
    """gateway/sync_standby.py looking at the pair's primary, as `make up`'s supervisor does."""
    stop = threading.Event()

    def loop() -> None:
        guard = SyncStandbyGuard(pair.primary.url("postgres"), grace=GRACE)
        while not stop.is_set():
            guard.step()
            time.sleep(0.1)
        guard.close()

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(30)


async def test_a_ledger_commit_returns_only_once_the_standby_has_it_and_survives_the_primary(
    own_pair: TestPair,
) -> None:
    async with ledger_and_other(own_pair) as (ledger, other):
        async with ledger.read() as read:
            assert await read.fetchval(SETTING) == "on"
        async with other.read() as read:
            assert await read.fetchval(SETTING) == "local"
        sync_state = "SELECT string_agg(sync_state, ',') FROM pg_stat_replication"
        assert await primary_value(own_pair, sync_state) == "quorum"

        async with receiver_stopped(own_pair):
            # every other service: committed at once, standby or not
            await asyncio.wait_for(add(other, "a trade"), 30)
            # the ledger's own outbox relay: its marks need not wait (pamtalk/db/outbox.py)
            await asyncio.wait_for(relay_round(ledger, other), 30)
            # the ledger: held until the standby has it
            pending = asyncio.create_task(add(ledger, "a ledger entry"))
            await eventually(lambda: waiting_for_standby(own_pair), within=60)  # the ledger's commit waits
            assert not pending.done()
        kept = await asyncio.wait_for(pending, 60)  # the standby took it: the commit returns

        # the primary lost the moment the commit returned: the promoted standby has it
        await asyncio.to_thread(own_pair.primary.stop, "immediate")
        await asyncio.to_thread(own_pair.standby.promote)
        conn = await asyncpg.connect(own_pair.standby.url(), timeout=10)
        try:
            found = await conn.fetchval(f"SELECT text FROM {SCHEMA}.notes WHERE id = $1", kept)
        finally:
            await conn.close()
        assert found == "a ledger entry"


async def test_with_the_standby_gone_the_ledger_waits_seconds_not_for_ever(own_pair: TestPair) -> None:
    names = "SELECT current_setting('synchronous_standby_names')"
    async with ledger_and_other(own_pair) as (ledger, _):
        with guard_running(own_pair):
            await own_pair.stop_standby()
            began = time.monotonic()
            kept = await asyncio.wait_for(add(ledger, "while the standby is away"), 60)
            waited = time.monotonic() - began
            # held while the guard's grace ran, then released: committed on the primary
            assert waited >= GRACE * 0.5, f"the ledger's commit did not wait ({waited:.2f} s)"
            assert await primary_value(own_pair, names) == ""
            quick = time.monotonic()
            await asyncio.wait_for(add(ledger, "no standby named"), 30)
            assert time.monotonic() - quick < GRACE, "a later commit still waited for the gone standby"

            await own_pair.start_standby()

            async def named_again() -> bool:
                return await primary_value(own_pair, names) != ""

            await eventually(named_again, within=60)  # the standby streams again: named synchronous
        async with ledger.read() as read:
            assert await read.fetchval(COUNT_ONE, id=kept) == 1
        async with receiver_stopped(own_pair):  # protected again: the next ledger commit waits for it
            pending = asyncio.create_task(add(ledger, "protected again"))
            await eventually(lambda: waiting_for_standby(own_pair), within=60)  # waits again
        await asyncio.wait_for(pending, 60)
