"""RabbitMQ goes away while trades are being created, and comes back.

The shared broker is not stopped (others use it): the service reaches it through a TCP
proxy the test closes and reopens, with queues and exchange under a prefix of its own.
Every trade opened meanwhile is accepted (201), its events wait in the outbox, and once
the broker is reachable again the relay publishes all of them; two consumers with an inbox
(``handle_once``: the claim and the effect in one transaction) apply each event exactly
once, even when some are delivered twice."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Callable, Mapping
from typing import Any

import pytest
from sqlalchemy import Column, MetaData, String, Table, Uuid

from loadtests.tcp_proxy import TcpProxy
from pamtalk.bus import AmqpBus
from pamtalk.bus.base import Handler
from pamtalk.db.database import Database
from pamtalk.db.inbox import Effects, handle_once, inbox_table
from pamtalk.db.statements import Sql, sql
from pamtalk.db.tx import Tx
from pamtalk.events.catalogue import TradeEvent
from pamtalk.events.envelope import Envelope
from services.transaction.app import create_app
from tests.conftest import TokenFactory, service_client
from tests.kit.bus_support import delete_topology
from tests.kit.db_support import create_tables, drop_schema
from tests.live_server import free_port
from tests.services_available import AMQP_URL, require
from tests.transaction.support import API, add_farm, trade_body, user

pytestmark = [pytest.mark.integration, pytest.mark.slow]
CONSUMERS = ("analytics_data", "notification_events")  # both bound to transaction.*
DELAYS = (0.05, 0.1)


@pytest.fixture
async def proxy() -> AsyncIterator[TcpProxy]:
    require("rabbitmq")
    proxy = TcpProxy("127.0.0.1", int(AMQP_URL.rsplit(":", 1)[1].split("/")[0]), free_port())
    await proxy.start()
    yield proxy
    await proxy.cut()


@pytest.fixture
async def consumers_db(fresh_database: str) -> AsyncIterator[Database]:
    """A scratch schema with an inbox and a log of every effect applied (no unique key:
    a duplicate application would show up as a second row)."""
    schema = f"outage_{uuid.uuid4().hex[:8]}"
    metadata = MetaData(schema=schema)
    inbox_table(metadata)
    Table(
        "applied",
        metadata,
        Column("consumer", String(50)),
        Column("event_id", Uuid),
        Column("transaction_id", Uuid),
    )
    db = Database(fresh_database, schema, pool_size=4)
    await create_tables(db, metadata)
    yield db
    await drop_schema(db)


RECORD = sql("INSERT INTO applied (consumer, event_id, transaction_id) VALUES (:consumer, :event_id, :trade)")
APPLIED = sql("SELECT consumer || ':' || event_id::text AS applied FROM applied")
UNPUBLISHED = sql("SELECT count(*) FROM outbox WHERE published_at IS NULL")
EVENT_IDS = sql("SELECT event_id FROM outbox")
ENVELOPES = sql("SELECT envelope FROM outbox WHERE event_id = ANY(:event_ids)")


async def test_trades_opened_while_the_broker_is_down_are_all_delivered_once(
    proxy: TcpProxy,
    consumers_db: Database,
    fresh_database: str,
    redis_url: str,
    tokens: TokenFactory,
) -> None:
    db = consumers_db
    prefix = f"test-txn-{uuid.uuid4().hex[:8]}."
    service_bus = AmqpBus(
        f"amqp://guest:guest@127.0.0.1:{proxy.port}/",
        queue_prefix=prefix,
        retry_delays=DELAYS,
        service="transaction",
        connect_timeout=1,
        publish_timeout=2,
    )
    consumer_bus = AmqpBus(AMQP_URL, queue_prefix=prefix, retry_delays=DELAYS, service="test-consumers")
    deliveries: Counter[tuple[str, uuid.UUID]] = Counter()

    def consumer(queue: str) -> Handler:
        async def record(tx: Tx, event: TradeEvent, envelope: Envelope) -> None:
            await tx.execute(RECORD, consumer=queue, event_id=envelope.event_id, trade=event.transaction_id)

        apply_once = handle_once(db, queue, Effects().on(TradeEvent, record))

        async def handler(envelope: Envelope, headers: Mapping[str, str]) -> None:
            await apply_once(envelope, headers)
            deliveries[(queue, envelope.event_id)] += 1

        return handler

    for queue in CONSUMERS:
        consumer_bus.consume(queue, consumer(queue))
    try:
        await consumer_bus.start()
        async with service_client(
            create_app,
            service="transaction",
            database_url=fresh_database,
            redis_url=redis_url,
            tokens=tokens,
            bus=service_bus,  # type: ignore[arg-type]
            outbox_poll_seconds=0.05,
        ) as (client, app):
            service_db: Database = app.state.runtime.db
            farm_id = await add_farm(app, user(tokens, "farmer"))  # through the broker, via the proxy
            buyer = user(tokens, "company")
            statuses: list[int] = []

            async def keep_trading(count: int) -> None:
                for i in range(count):
                    body = trade_body(farm_id, quantity=str(i + 1))
                    statuses.append((await client.post(API, json=body, headers=buyer.headers)).status_code)
                    await asyncio.sleep(0.05)

            trading = asyncio.create_task(keep_trading(30))
            await until(lambda: len(statuses) >= 8)
            await proxy.cut()  # the broker is gone, mid-stream
            await until(lambda: len(statuses) >= 22, within=30)
            assert await value(service_db, UNPUBLISHED) >= 10  # the outbox holds what could not go out
            await proxy.start()  # and it is back
            await trading
            assert statuses == [201] * 30  # every trade was accepted

            event_ids = set(await column(service_db, EVENT_IDS))
            assert len(event_ids) == 30
            expected = {(queue, event_id) for queue in CONSUMERS for event_id in event_ids}
            await until(lambda: expected <= set(deliveries), within=90)
            assert await value(service_db, UNPUBLISHED) == 0

            # some are delivered again: the inbox makes the second delivery a no-op
            again = sorted(event_ids)[:5]
            for data in await column(service_db, ENVELOPES, event_ids=again):
                await consumer_bus.publish(Envelope.model_validate(data))
            await until(lambda: all(deliveries[(q, e)] >= 2 for q in CONSUMERS for e in again), within=30)

            rows = await column(db, APPLIED)
            assert sorted(rows) == sorted(f"{q}:{e}" for q, e in expected)  # each applied exactly once

            metrics = (await client.get("/metrics")).text
            for queue in (
                "blockchain_transactions",
                "notification_events",
                "analytics_data",
                "prediction_requests",
            ):
                for name in (queue, f"{queue}.retry", f"{queue}.dlq"):
                    assert f'queue_length{{queue="{name}"}}' in metrics
    finally:
        await consumer_bus.close()
        await service_bus.close()
        await delete_topology(prefix)


async def value(db: Database, statement: Sql, **values: object) -> Any:
    async with db.read() as read:
        return await read.fetchval(statement, **values)


async def column(db: Database, statement: Sql, **values: object) -> list[Any]:
    """The first column of every row."""
    async with db.read() as read:
        return [row[0] for row in await read.fetch(statement, **values)]


async def until(predicate: Callable[[], bool], within: float = 10.0) -> None:
    async with asyncio.timeout(within):
        while True:
            if predicate():
                return
            await asyncio.sleep(0.02)
