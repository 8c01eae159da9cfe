"""The primary is lost and its standby promoted (a pair of this test's own): the service's
database URL names the primary through a stable address (a TCP proxy here, the operator's
``-rw`` Service in Kubernetes), which now leads to the promoted standby; the pools replace
their dead connections and writes and reads go on, with every write the standby had
received before the loss. (Replication is asynchronous: a write committed on the primary in
the moment before it was lost, and not yet sent, is lost with it: README, "Read replica".)"""

from __future__ import annotations

import asyncio
import uuid

import pytest
from sqlalchemy import Column, MetaData, Table, Text, Uuid

from loadtests.tcp_proxy import TcpProxy
from pamtalk.db.database import Database
from pamtalk.db.statements import sql
from tests.kit.db_support import create_tables
from tests.pg_pair import TestPair

pytestmark = pytest.mark.integration

ADD = sql("INSERT INTO notes (id, text) VALUES (:id, :text)")
COUNT = sql("SELECT count(*) FROM notes")
RECOVERING = sql("SELECT pg_is_in_recovery()")


async def test_after_the_primary_is_lost_the_promoted_standby_serves_through_the_same_url(
    own_pair: TestPair,
) -> None:
    proxy = TcpProxy("127.0.0.1", own_pair.primary_port)  # the "-rw" address services are given
    await proxy.start()
    metadata = MetaData(schema="kit_failover")
    Table("notes", metadata, Column("id", Uuid, primary_key=True), Column("text", Text, nullable=False))
    db = Database(f"postgresql://postgres@127.0.0.1:{proxy.port}/pamtalk", "kit_failover", pool_size=2)
    try:
        await create_tables(db, metadata)
        for n in range(20):
            async with db.write() as tx:
                await tx.execute(ADD, id=uuid.uuid4(), text=f"before {n}")
        await own_pair.wait_replayed()
        # the standby shows every committed write: the primary is lost
        await asyncio.to_thread(own_pair.primary.stop, "immediate")
        await proxy.cut()
        await asyncio.to_thread(own_pair.standby.promote)
        proxy.target = ("127.0.0.1", own_pair.standby_port)
        await proxy.restore()
        async with db.read() as read:  # a pooled connection to the old primary: replaced
            assert await read.fetchval(RECOVERING) is False
            assert await read.fetchval(COUNT) == 20
        async with db.write() as tx:
            await tx.execute(ADD, id=uuid.uuid4(), text="after")
        async with db.read() as read:
            assert await read.fetchval(COUNT) == 21
    finally:
        await db.close()
        await proxy.cut()
