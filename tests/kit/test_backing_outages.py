"""A backing service that blinks costs a request a 503 problem with ``Retry-After`` (never a
500) and nothing half-written; once it is back, the next request works (a pooled connection
found dead is replaced and its statement sent again). PostgreSQL and Redis are reached
through a TCP proxy the test cuts, so the machine's own servers keep running."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from types import SimpleNamespace
from typing import Any

import asyncpg
import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import Column, MetaData, Table, Text, Uuid

from loadtests.tcp_proxy import TcpProxy
from pamtalk.cache import make_redis
from pamtalk.db.database import Database
from pamtalk.db.statements import sql
from pamtalk.db.tx import is_dead
from pamtalk.deps import Db, RedisDep, Write
from pamtalk.errors import install_problem_handlers
from pamtalk.middleware import RequestContextMiddleware
from tests.kit.db_support import scratch_schema

pytestmark = pytest.mark.integration

ADD = sql("INSERT INTO notes (id, text) VALUES (:id, :text)")
COUNT = sql("SELECT count(*) FROM notes")
PID = sql("SELECT pg_backend_pid()")


def notes(metadata: MetaData) -> Table:
    return Table("notes", metadata, Column("id", Uuid, primary_key=True), Column("text", Text))


@pytest.fixture
async def proxied(database_url: str, redis_url: str) -> AsyncIterator[tuple[Database, TcpProxy, TcpProxy]]:
    """A scratch schema reached through a proxy to PostgreSQL, and a proxy to Redis."""
    async with scratch_schema(database_url, notes) as direct:
        pg, rd = TcpProxy("127.0.0.1", 5432), TcpProxy("127.0.0.1", 6379)
        await pg.start()
        await rd.start()
        url = database_url.replace("127.0.0.1:5432", f"127.0.0.1:{pg.port}")
        db = Database(url, direct.schema, pool_size=3, max_overflow=0, reconnect_seconds=2.0)
        try:
            yield db, pg, rd
        finally:
            await pg.cut()
            await rd.cut()
            await db.close()


@pytest.fixture
async def client(proxied: tuple[Database, TcpProxy, TcpProxy]) -> AsyncIterator[httpx.AsyncClient]:
    db, _, rd = proxied
    redis = make_redis(f"redis://127.0.0.1:{rd.port}/15")
    app = FastAPI()
    install_problem_handlers(app)
    app.state.runtime = SimpleNamespace(db=db, redis=redis)

    @app.post("/notes", status_code=201)
    async def add(tx: Write) -> dict[str, str]:
        await tx.execute(ADD, id=uuid.uuid4(), text="n")
        return {"ok": "yes"}

    @app.get("/notes")
    async def count(db: Db) -> dict[str, Any]:
        async with db.read() as read:
            return {"count": await read.fetchval(COUNT)}

    @app.get("/cached")
    async def cached(redis: RedisDep) -> dict[str, Any]:
        return {"value": await redis.get("kit:outage")}

    app.add_middleware(RequestContextMiddleware, service="kit")
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield http
    await redis.aclose()


def assert_unavailable(response: httpx.Response) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"].endswith("/unavailable")
    assert int(response.headers["Retry-After"]) > 0


async def test_database_down_is_503_with_nothing_written_and_back_at_once(client, proxied) -> None:
    _, pg, _ = proxied
    assert (await client.post("/notes")).status_code == 201
    await pg.cut()  # a restart: every connection dropped, none accepted
    assert_unavailable(await client.post("/notes"))
    assert_unavailable(await client.get("/notes"))
    await pg.restore()
    for _ in range(5):  # every pooled connection died: none of them costs a request
        assert (await client.post("/notes")).status_code == 201
    assert (await client.get("/notes")).json() == {"count": 6}


async def test_a_restart_shorter_than_the_reconnect_wait_costs_no_request(client, proxied) -> None:
    """A request that finds PostgreSQL restarting (its pooled connections ended, new ones
    refused) keeps opening one for up to ``reconnect_seconds`` and is answered once it is back:
    under load a one-second restart gave 503s before."""
    _, pg, _ = proxied
    assert (await client.post("/notes")).status_code == 201
    await pg.cut()  # the restart begins: every connection dropped, none accepted
    write = asyncio.create_task(client.post("/notes"))
    read = asyncio.create_task(client.get("/notes"))
    await asyncio.sleep(0.5)  # the length of the restart (the requests wait meanwhile)
    assert not write.done() and not read.done()
    await pg.restore()
    assert (await write).status_code == 201
    assert (await read).status_code == 200
    assert (await client.get("/notes")).json() == {"count": 2}


async def test_redis_down_is_503_and_back_at_once(client, proxied) -> None:
    _, _, rd = proxied
    assert (await client.get("/cached")).status_code == 200
    await rd.cut()
    assert_unavailable(await client.get("/cached"))
    await rd.restore()
    for _ in range(3):
        assert (await client.get("/cached")).status_code == 200


async def test_redis_connections_left_stale_by_a_restart_cost_no_command(proxied, redis_url) -> None:
    """After a Redis restart every pooled connection is dead, and the pool finds it out only by
    writing to it: each command (a transaction pipeline too) is sent again on a new connection.
    The fault drill saw each stale connection cost a request a 503, minutes after the restart."""
    _, _, rd = proxied
    redis = make_redis(f"redis://127.0.0.1:{rd.port}/{redis_url.rsplit('/', 1)[1]}")
    key = f"kit:stale:{uuid.uuid4().hex}"

    async def counted() -> int:
        async with redis.pipeline(transaction=True) as pipe:
            pipe.incr(key)
            pipe.expire(key, 60)
            count, _ = await pipe.execute()
        return int(count)

    try:
        await asyncio.gather(*(counted() for _ in range(5)))  # five connections in the pool
        await rd.cut()  # the restart: every connection dropped ...
        await rd.restore()  # ... and the server back before the next command
        after = await asyncio.gather(*(counted() for _ in range(5)), *(redis.get(key) for _ in range(5)))
        assert sorted(after[:5]) == [6, 7, 8, 9, 10]
    finally:
        await redis.delete(key)
        await redis.aclose()


async def test_a_connection_found_dead_by_a_read_is_replaced_and_the_statement_sent_again(proxied) -> None:
    db, _, _ = proxied
    async with db.read() as read:
        first = await read.fetchval(PID)
    async with db.read() as read:
        read.conn.terminate()  # dead before its first statement, as after a server restart
        assert await read.fetchval(COUNT) == 0
        assert await read.fetchval(PID) != first


async def test_a_connection_caught_in_the_servers_termination_is_replaced(proxied, monkeypatch) -> None:
    """Under load, a PostgreSQL restart left a pooled connection between the server's
    "terminating connection" notice and its close: asyncpg refuses the statement with an
    ``InternalClientError`` and the request got a 500. It is the connection that is gone, not
    the statement: the statement goes to a new connection."""
    db, _, _ = proxied
    async with db.read() as read:
        first = await read.fetchval(PID)
    real = asyncpg.connection.Connection.fetchval
    caught: list[asyncpg.Connection] = []

    async def terminating_once(self: asyncpg.Connection, query: str, *args: Any, **kwargs: Any) -> Any:
        if not caught:
            caught.append(self)
            raise asyncpg.InternalClientError(
                "cannot switch to state 12; another operation (2) is in progress"
            )
        return await real(self, query, *args, **kwargs)

    monkeypatch.setattr(asyncpg.connection.Connection, "fetchval", terminating_once)
    async with db.read() as read:
        assert await read.fetchval(PID) != first
    assert caught and caught[0].is_closed()  # not handed back to the pool


async def test_once_a_connection_is_found_dead_the_pools_others_are_replaced_too(proxied) -> None:
    """The restart that ended one pooled connection ended the others: none is handed out again."""
    db, _, _ = proxied

    async def pids(count: int) -> set[int]:
        async def one(hold: asyncio.Event) -> int:
            async with db.read() as read:
                pid = int(await read.fetchval(PID))
                await hold.wait()  # every connection of the pool in use at once
                return pid

        hold = asyncio.Event()
        tasks = [asyncio.create_task(one(hold)) for _ in range(count)]
        await wait_until_pool_busy(db, count)
        hold.set()
        return set(await asyncio.gather(*tasks))

    before = await pids(3)
    async with db.read() as read:
        read.conn.terminate()  # found dead by its first statement
        await read.fetchval(PID)
    assert not (await pids(3)) & before


async def wait_until_pool_busy(db: Database, count: int) -> None:
    from tests.waiting import eventually

    async def busy() -> bool:
        return bool(db.pool_status()["in_use"] >= count)

    await eventually(busy, within=30)


async def test_a_connection_found_dead_when_a_write_begins_is_replaced(proxied, monkeypatch) -> None:
    db, _, _ = proxied
    acquire = Database._acquire
    handed: list[asyncpg.Connection] = []

    async def dead_first(self: Database, pool: asyncpg.Pool) -> asyncpg.Connection:
        conn = await acquire(self, pool)
        if not handed:
            conn.terminate()
        handed.append(conn)
        return conn

    monkeypatch.setattr(Database, "_acquire", dead_first)
    async with db.write() as tx:
        await tx.execute(ADD, id=uuid.uuid4(), text="kept")
    assert len(handed) == 2 and is_dead(handed[0])
    async with db.read() as read:
        assert await read.fetchval(COUNT) == 1


async def test_a_connection_lost_inside_a_transaction_is_not_retried(proxied) -> None:
    """Once a statement has run in a transaction, losing the connection loses the transaction:
    the error reaches the caller (a 503 in an endpoint) and nothing is committed."""
    db, pg, _ = proxied
    with pytest.raises((asyncpg.PostgresConnectionError, asyncpg.InterfaceError, OSError)):
        async with db.write() as tx:
            await tx.execute(ADD, id=uuid.uuid4(), text="lost")
            await pg.cut()
            await tx.execute(ADD, id=uuid.uuid4(), text="lost too")
    await pg.restore()
    async with db.read() as read:
        assert await read.fetchval(COUNT) == 0


def test_after_an_unexpected_error_the_connection_stays_open_for_the_next_request() -> None:
    """A 500 must not close the kept-alive connection: behind nginx the next request sent on
    it got a 502."""
    from pamtalk.app import ServiceDefinition, create_service_app
    from pamtalk.settings import ServiceSettings
    from tests.live_server import live_server

    app = create_service_app(
        ServiceDefinition(name="kit", title="kit", description="", settings_cls=ServiceSettings, routers=[]),
        ServiceSettings(bus="memory", redis_url="fake"),
    )

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("a bug")

    with live_server(app) as base, httpx.Client(base_url=base) as http:
        failed = http.get("/boom")
        assert failed.status_code == 500
        assert failed.headers["content-type"] == "application/problem+json"
        assert failed.headers.get("connection") != "close"
        assert http.get("/livez").status_code == 200
        assert http.get("/livez").extensions["network_stream"] is failed.extensions["network_stream"]


async def test_a_broker_outage_keeps_the_service_ready_and_is_reported_as_degraded(database_url) -> None:
    """Readiness is "can take requests": a broker blink must not take every pod out of its
    Service (events wait in the outbox meanwhile); /health and the gauge report it."""
    from pamtalk.app import ServiceDefinition, create_service_app
    from pamtalk.settings import ServiceSettings
    from tests.kit.bus_support import delete_topology
    from tests.waiting import eventually

    broker = TcpProxy("127.0.0.1", 5672)
    await broker.start()
    prefix = f"t{uuid.uuid4().hex[:8]}."
    settings = ServiceSettings(
        database_url=database_url,
        redis_url="fake",
        amqp_url=f"amqp://guest:guest@127.0.0.1:{broker.port}/?reconnect_interval=0.2",
        amqp_prefix=prefix,
    )
    definition = ServiceDefinition(
        name="kit", title="kit", description="", settings_cls=ServiceSettings, routers=[]
    )
    app = create_service_app(definition, settings)
    try:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
                assert (await http.get("/health")).json()["status"] == "ok"
                await broker.cut()

                async def status() -> str:
                    return str((await http.get("/health")).json()["status"])

                async def degraded() -> bool:
                    return await status() == "degraded"

                async def healthy() -> bool:
                    return await status() == "ok"

                await eventually(degraded, within=30)
                assert (await http.get("/readyz")).status_code == 200
                assert (await http.get("/health")).json()["dependencies"]["broker"] != "ok"
                metrics = (await http.get("/metrics")).text
                assert 'dependency_up{dependency="broker",service="kit"} 0.0' in metrics
                await broker.restore()
                await eventually(healthy, within=30)
    finally:
        await broker.cut()
        await delete_topology(prefix)
