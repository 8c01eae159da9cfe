"""The transactional outbox with the real PostgreSQL and RabbitMQ: an event committed while
the broker is unreachable is kept and published once the broker is back; nothing is
published for a rolled-back change; a consumer with an inbox applies a redelivery once."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Mapping

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, func, select

from pamtalk.bus import AmqpBus
from pamtalk.db.database import Database
from pamtalk.db.inbox import handle_once, inbox_table
from pamtalk.db.outbox import OutboxRelay, add_event, outbox_table
from pamtalk.events.catalogue import UserRegistered
from pamtalk.events.envelope import Envelope, Event
from tests.kit.bus_support import delete_topology, eventually
from tests.services_available import require
from tests.tcp_proxy import TcpProxy

pytestmark = pytest.mark.integration


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[tuple[Database, Table, Table, Table]]:
    schema = f"kit_{uuid.uuid4().hex[:8]}"
    metadata = MetaData(schema=schema)
    outbox, inbox = outbox_table(metadata), inbox_table(metadata)
    effects = Table("effects", metadata, Column("id", Integer, primary_key=True), Column("email", String))
    database = Database(database_url, schema)
    async with database.engine.begin() as conn:
        await conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        await conn.run_sync(metadata.create_all)
    yield database, outbox, inbox, effects
    async with database.engine.begin() as conn:
        await conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
    await database.close()


def registered() -> UserRegistered:
    return UserRegistered(
        user_id=uuid.uuid4(), email=f"{uuid.uuid4().hex[:6]}@x.kr", display_name="A", role="farmer"
    )


async def test_event_committed_while_broker_down_is_published_later(db) -> None:
    require("rabbitmq")
    database, outbox, inbox, effects = db
    proxy = TcpProxy("127.0.0.1", 5672)
    await proxy.start()
    prefix = f"t{uuid.uuid4().hex[:8]}."
    url = f"amqp://guest:guest@127.0.0.1:{proxy.port}/?reconnect_interval=0.2"
    bus = AmqpBus(url, queue_prefix=prefix, retry_delays=(0.05,), publish_timeout=1.0, connect_timeout=1.0)
    seen: list[str] = []

    async def apply(session, event: Event, envelope: Envelope) -> None:
        assert isinstance(event, UserRegistered)
        await session.execute(effects.insert().values(email=event.email))
        seen.append(event.email)

    handler = handle_once(database, inbox, "test-consumer", {"user.registered": apply})
    bus.consume("notification_events", handler)
    await bus.start()
    relay = OutboxRelay(database, outbox, bus, poll_seconds=0.1)
    relay.start()
    try:
        await proxy.cut()  # the broker is gone
        sent = []
        for _ in range(5):
            async with database.transaction() as session:
                sent.append((await add_event(session, outbox, registered(), "user")).data["email"])
        with pytest.raises(RuntimeError):  # a rolled-back change leaves no event behind
            async with database.transaction() as session:
                await add_event(session, outbox, registered(), "user")
                raise RuntimeError("the change failed")
        await asyncio.sleep(0.5)
        async with database.transaction() as session:
            waiting = await session.scalar(
                select(func.count()).select_from(outbox).where(outbox.c.published_at.is_(None))
            )
        assert waiting == 5  # kept, not lost, while the broker is down
        await proxy.restore()

        async def all_applied() -> bool:
            return sorted(seen) == sorted(sent)

        await eventually(all_applied, within=20)
        # a redelivery of an already-handled event changes nothing
        async with database.transaction() as session:
            row = (await session.execute(select(outbox.c.envelope).limit(1))).scalar_one()
        await handler(Envelope.model_validate(row), {})
        async with database.transaction() as session:
            assert await session.scalar(select(func.count()).select_from(effects)) == 5
            assert (
                await session.scalar(
                    select(func.count()).select_from(outbox).where(outbox.c.published_at.is_(None))
                )
                == 0
            )
    finally:
        await relay.stop()
        await bus.close()
        await proxy.cut()
        await delete_topology(prefix)


async def test_handler_receives_typed_events_and_ignores_unknown_types(db) -> None:
    database, _, inbox, _ = db
    calls: list[str] = []

    async def apply(session, event: Event, envelope: Envelope) -> None:
        calls.append(envelope.type)

    handler = handle_once(database, inbox, "c", {"user.*": apply})
    await handler(Envelope.wrap(registered(), "user"), {})
    other: Mapping[str, object] = {"index": 1, "kind": "k", "reference": "r", "leaf_hash": "h"}
    await handler(Envelope(type="ledger.recorded", data=dict(other)), {})
    assert calls == ["user.registered"]
