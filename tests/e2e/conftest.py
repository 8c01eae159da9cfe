"""The distributed mode (``make up``: one process per service, nginx, the real PostgreSQL,
Redis and RabbitMQ), brought up once for the end-to-end tests on ports, a database and
RabbitMQ names of their own (so a developer's running ``make up`` is not disturbed), and
taken down and cleaned up afterwards."""

from __future__ import annotations

import asyncio
import importlib.util
import uuid
from collections.abc import Iterator

import aio_pika
import pytest
from sqlalchemy.ext.asyncio import create_async_engine

from gateway.routes import SERVICES
from pamtalk.bus import AmqpBus
from tests.e2e.harness import Distributed, distributed_mode
from tests.services_available import AMQP_URL, PG_URL

RUN = uuid.uuid4().hex[:8]
DATABASE = f"pamtalk_e2e_{RUN}"
AMQP_PREFIX = f"e2e{RUN}."


def _env() -> dict[str, str]:
    env = {
        "PAMTALK_DATABASE_URL": PG_URL.rsplit("/", 1)[0] + "/" + DATABASE,
        "PAMTALK_REDIS_URL": "redis://127.0.0.1:6379/14",
        "PAMTALK_AMQP_PREFIX": AMQP_PREFIX,
        "PAMTALK_LOG_LEVEL": "WARNING",
        "PAMTALK_OUTBOX_POLL_SECONDS": "0.2",
        "PAMTALK_TRANSACTION_DASHBOARD_TTL_SECONDS": "3",  # the dashboard test waits out its TTL
    }
    for svc in SERVICES:  # a service not built yet is stood in for, so the gateway still routes
        if importlib.util.find_spec(f"services.{svc.name}.app") is None:
            env[f"PAMTALK_LAUNCH_APP_{svc.name.upper()}"] = "tests.gateway.dummy_app:app"
    return env


async def _clean_up() -> None:
    admin = create_async_engine(PG_URL, isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        await conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    await admin.dispose()
    connection = await aio_pika.connect(AMQP_URL)
    async with connection:
        channel = await connection.channel()
        for name in AmqpBus(AMQP_URL, queue_prefix=AMQP_PREFIX).declared_queues():
            await channel.queue_delete(name)
        await channel.exchange_delete(f"{AMQP_PREFIX}pamtalk.events")


@pytest.fixture(scope="session")
def platform() -> Iterator[Distributed]:
    try:
        with distributed_mode(_env()) as running:
            yield running
    finally:
        asyncio.run(_clean_up())
