"""One service's database: asyncpg pools on its own schema, and the one way to use them.

    async with db.write() as tx:          # one transaction: committed, or rolled back
        await tx.execute(INSERT_FARM, **farm)
        await tx.add_event(FarmRegistered(...))
        tx.after_commit(list_cache.invalidate)

    async with db.read("replica") as read:  # no transaction; may lag the primary
        rows = await read.fetch(PAGE, region=region, limit=21)

Reads take a role: ``primary`` (the latest commit) or ``replica`` (reads that tolerate a
little staleness: dashboards, public lists, history). Without a replica configured, both
roles read the primary. SQLAlchemy describes the tables (``pamtalk.db.schema``) and runs the
migrations; it has no part in serving requests.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from functools import partial
from typing import Any, Literal, TypeVar

import asyncpg
from redis.asyncio import Redis

from pamtalk.context import user_id_var
from pamtalk.db.connections import CONNECT_FAILED, Held, begin_write, dsn, keep_session, setup
from pamtalk.db.replica import PRIMARY_LSN, Replica
from pamtalk.db.schema import NAMING, schema_metadata
from pamtalk.db.statements import sql
from pamtalk.db.tx import Read, Tx, is_dead, unusable

__all__ = ["CONCURRENT_UPDATE", "NAMING", "Database", "Role", "dsn", "schema_metadata"]
Role = Literal["primary", "replica"]
T = TypeVar("T")
# A transaction PostgreSQL gave up because another one changed the same rows first (40001:
# a repeatable-read transaction, such as postgres_fdw's on a farm shard, saw a newer row
# version; 40P01: a deadlock). Nothing of it was kept; run again, it normally succeeds.
CONCURRENT_UPDATE: tuple[type[Exception], ...] = (
    asyncpg.exceptions.SerializationError,
    asyncpg.exceptions.DeadlockDetectedError,
)
WRITE_ATTEMPTS = 3
ACQUIRE_TIMEOUT = 30.0  # seconds a request waits for a pooled connection
RECONNECT_SECONDS = 5.0  # how long a new connection is tried again while the server restarts
SELECT_ONE = sql("SELECT 1")


class Database:
    """The pools of one service's schema (opened on first use, closed by ``close``)."""

    def __init__(
        self,
        url: str,
        schema: str,
        *,
        producer: str = "",
        pool_size: int = 10,
        max_overflow: int = 10,
        reconnect_seconds: float = RECONNECT_SECONDS,
        synchronous_commit: str = "",
    ) -> None:
        self.url = url
        self.reconnect_seconds = reconnect_seconds
        self.schema = schema
        self.producer = producer or schema.removesuffix("_svc")
        self.capacity = pool_size + max_overflow
        self._min = min(pool_size, 1)
        self._pool: asyncpg.Pool | None = None
        self._opening = asyncio.Lock()
        self.wake_relay: Any = None  # set by the outbox relay: called once events committed
        self.replica: Replica | None = None  # ``attach_replica``: reads of role "replica" may go there
        server_settings = {"search_path": f"{self.schema},public"}
        if synchronous_commit:  # when a commit returns: see ServiceSettings.db_synchronous_commit
            server_settings["synchronous_commit"] = synchronous_commit
        self._options: dict[str, Any] = {
            "max_inactive_connection_lifetime": 300,
            "server_settings": server_settings,
            "init": setup,
            "reset": keep_session,
        }

    def attach_replica(
        self,
        url: str,
        *,
        redis: Redis | None,
        max_lag: float,
        wait: float,
        watch_seconds: float = 1.0,
        own_writes: bool = True,
    ) -> Replica:
        """Reads of role ``replica`` go to the streaming replica at ``url`` while it answers,
        lags at most ``max_lag`` seconds and holds the reader's own writes (kept in ``redis``;
        waited for up to ``wait`` seconds; ``own_writes=False``: not tracked, for a service
        whose replica reads are all public): ``pamtalk.db.replica``. ``start_replica`` watches it."""
        self.replica = Replica(
            dsn(url),
            service=self.producer,
            redis=redis,
            own_writes=own_writes,
            capacity=self.capacity,
            max_lag=max_lag,
            wait=wait,
            watch_seconds=watch_seconds,
            pool_options=self._options,
        )
        return self.replica

    def start_replica(self) -> None:
        if self.replica is not None:
            self.replica.start(self._primary)

    async def _primary(self) -> asyncpg.Pool:
        if self._pool is None:
            async with self._opening:
                if self._pool is None:
                    self._pool = await asyncpg.create_pool(
                        dsn(self.url), min_size=self._min, max_size=self.capacity, **self._options
                    )
        return self._pool

    async def _acquire(self, pool: asyncpg.Pool) -> asyncpg.Connection:
        """A pooled connection. While the server restarts (a pooled connection it ended is
        opened again and that fails), opening is tried again for up to ``reconnect_seconds``:
        a restart of a second or two costs the request that time, not an error. After that, or
        when the pool has no connection free in ``ACQUIRE_TIMEOUT``, the error goes up (a 503)."""
        deadline = asyncio.get_running_loop().time() + self.reconnect_seconds
        pause = 0.05
        while True:
            try:
                conn: asyncpg.Connection = await pool.acquire(timeout=ACQUIRE_TIMEOUT)
                return conn
            except TimeoutError:
                raise  # the pool was full for ACQUIRE_TIMEOUT: waiting longer helps no one
            except CONNECT_FAILED:
                if asyncio.get_running_loop().time() + pause > deadline:
                    raise
            await asyncio.sleep(pause)
            pause = min(pause * 2, 0.5)

    @asynccontextmanager
    async def write(self, *, isolation: str | None = None, durable: bool = True) -> AsyncIterator[Tx]:
        """One transaction on the primary: committed when the block ends, rolled back if it
        raises. After the commit, the relay is woken for the events it queued and the
        ``after_commit`` hooks run. A pooled connection found dead when the transaction
        begins (the server restarted meanwhile) is replaced and the transaction begun again
        on a new one: nothing had been sent on it.

        ``durable=False``: the commit returns before its WAL is flushed (and before any
        standby has it): ``synchronous_commit`` off for this transaction alone. Only for
        writes whose loss in a crash of PostgreSQL is harmless - the outbox relay's marks
        (an event whose mark is lost is published again, and consumers apply it once). It
        saves the commit's disk flush and the standby's round, about half of PostgreSQL's
        cost of a small transaction on ``make up``'s data tier."""
        pool = await self._primary()
        conn = await self._acquire(pool)
        try:
            try:
                transaction = begin_write(conn, isolation, durable)
                await transaction.start()
            except Exception as error:
                if not unusable(conn, error):
                    raise
                await self._discard(pool, conn)
                conn = await self._acquire(pool)
                transaction = begin_write(conn, isolation, durable)
                await transaction.start()
            tx = Tx(conn, self.producer)
            try:
                yield tx
            except BaseException:
                if not is_dead(conn):
                    await transaction.rollback()
                raise
            await transaction.commit()
            written = await self._written(conn)
        finally:
            await pool.release(conn)
        if written is not None and self.replica is not None:
            await self.replica.remember(written)
        if tx.events and self.wake_relay is not None:
            self.wake_relay()
        await tx.run_after_commit()

    async def write_retrying(
        self,
        work: Callable[[Tx], Awaitable[T]],
        *,
        isolation: str | None = None,
        attempts: int = WRITE_ATTEMPTS,
    ) -> T:
        """``work`` in a transaction (``write``), run again - in a new transaction, after a
        pause of a few milliseconds - when PostgreSQL gives it up for a concurrent update
        (``CONCURRENT_UPDATE``), up to ``attempts`` times in all; then the error goes up (a 503
        the client may retry). For writes whose rows other writers change at the same moment
        (a farm's row on a shard: its ESG grade moves while its owner submits)."""
        for attempt in range(1, attempts + 1):
            try:
                async with self.write(isolation=isolation) as tx:
                    return await work(tx)
            except CONCURRENT_UPDATE:
                if attempt == attempts:
                    raise
                await asyncio.sleep(random.uniform(0.002, 0.02) * attempt)
        raise AssertionError("unreachable")  # the loop returns or raises

    async def _written(self, conn: asyncpg.Connection) -> int | None:
        """After a commit by a logged-in user, with a replica: the primary's WAL position,
        past that commit (read-your-writes). ``None`` otherwise, or if it cannot be read (the
        write is committed either way)."""
        if self.replica is None or not self.replica.own_writes or user_id_var.get() is None:
            return None
        try:
            return int(await conn.fetchval(PRIMARY_LSN.text))
        except Exception:
            return None

    @asynccontextmanager
    async def read(self, role: Role = "primary", *, consistent: bool = False) -> AsyncIterator[Read]:
        """Statements without a transaction (each sees the latest commit of the server that
        serves ``role``: the replica when one is configured, usable and holding the caller's
        own writes, else the primary); ``consistent``: all of them in one read-only snapshot.
        A pooled connection found dead by the first statement (its server restarted, or the
        replica went away) is replaced, on the primary if it was the replica's, and that
        statement sent again on the new one (its snapshot begins there)."""
        held = await self._reader(role, consistent)
        read = Read(held.conn, role)
        read.replace = partial(self._replace, held)
        try:
            yield read
        except BaseException:
            if held.snapshot is not None and not is_dead(read.conn):
                await held.snapshot.rollback()
            raise
        else:
            if held.snapshot is not None:
                await held.snapshot.commit()
        finally:
            await held.pool.release(read.conn)

    async def _reader(self, role: Role, consistent: bool) -> Held:
        replica = self.replica
        if role == "replica" and replica is not None:
            target, lsn = await replica.target()
            if target == "replica":
                held = await self._on_replica(replica, lsn, consistent)
                if held is not None:
                    replica.counted(role, "replica")
                    return held
            replica.counted(role, "primary")
        pool = await self._primary()
        return await Held.begin(pool, await self._acquire(pool), consistent)

    async def _on_replica(self, replica: Replica, lsn: int | None, consistent: bool) -> Held | None:
        """A connection on the replica (holding position ``lsn`` if given), or ``None``."""
        try:
            pool = await replica.open()
            conn = await self._acquire(pool)
        except Exception:
            replica.lost()
            return None
        try:
            ready = lsn is None or await replica.caught_up(conn, lsn)
        except Exception:
            ready = False
        if not ready:
            if is_dead(conn):
                replica.lost()
            await pool.release(conn)
            return None
        try:
            return await Held.begin(pool, conn, consistent)
        except Exception:
            replica.lost()
            return None

    async def _discard(self, pool: asyncpg.Pool, dead: asyncpg.Connection) -> None:
        """Give up a connection found unusable. The server that ended it (a restart, or the
        replica going away) ended the pool's other connections too, and some may not show it
        yet: they are all replaced as they come back, so the next one is opened afresh rather
        than taken from them."""
        if not is_dead(dead):
            dead.terminate()
        await pool.expire_connections()
        await pool.release(dead)

    async def _replace(self, held: Held, dead: asyncpg.Connection) -> asyncpg.Connection:
        """A read's new connection for one found unusable (on the primary if it was the
        replica's); a consistent read's snapshot begins on it."""
        await self._discard(held.pool, dead)
        if self.replica is not None and held.pool is self.replica.pool:
            self.replica.lost()
            held.pool = await self._primary()
        held.conn = await self._acquire(held.pool)
        await held.start()
        return held.conn

    async def ping(self) -> bool:
        async with self.read() as read:
            await read.fetchval(SELECT_ONE)
        return True

    def pool_status(self) -> dict[str, Any]:
        """Connections in use and the most the pool opens (``database_connection_pool``)."""
        pool = self._pool
        in_use = 0 if pool is None else pool.get_size() - pool.get_idle_size()
        return {"in_use": in_use, "capacity": self.capacity}

    async def close(self) -> None:
        if self.replica is not None:
            await self.replica.close()
        if self._pool is not None:
            await self._pool.close()
            self._pool = None
