"""Are PostgreSQL, Redis and RabbitMQ there? Asked with their real clients, all at once.

Each check answers ``None`` when the server accepted a real session, else a sentence naming
what is missing and how to point the launcher elsewhere. PostgreSQL's database is created
when the server is there but the database is not.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from pamtalk.settings import settings_for

TIMEOUT = 3.0


@dataclass(frozen=True)
class Backing:
    label: str
    field: str  # the shared setting naming its URL (pamtalk.settings.ServiceSettings)
    hint: str

    @property
    def env(self) -> str:
        return f"PAMTALK_{self.field.upper()}"

    def url(self) -> str:
        """The URL the services will use (their settings: environment, else the default)."""
        return str(getattr(settings_for(), self.field))


POSTGRES = Backing(
    "PostgreSQL",
    "database_url",
    "start it (e.g. `pg_ctlcluster 15 main start`) or set PAMTALK_DATABASE_URL",
)
REDIS = Backing(
    "Redis",
    "redis_url",
    "start it (e.g. `redis-server --daemonize yes`) or set PAMTALK_REDIS_URL",
)
RABBITMQ = Backing(
    "RabbitMQ",
    "amqp_url",
    "start it (e.g. `rabbitmq-server -detached`) or set PAMTALK_AMQP_URL",
)
ALL = (POSTGRES, REDIS, RABBITMQ)


def redact(url: str) -> str:
    """The URL without its password, for messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = f"{parts.username}:***@{parts.hostname}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def _plain_dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


async def check_postgres(url: str) -> None:
    import asyncpg

    dsn = _plain_dsn(url)
    try:
        conn = await asyncpg.connect(dsn, timeout=TIMEOUT)
    except asyncpg.InvalidCatalogNameError:
        database = urlsplit(dsn).path.lstrip("/")
        admin = await asyncpg.connect(urlunsplit(urlsplit(dsn)._replace(path="/postgres")), timeout=TIMEOUT)
        try:
            await admin.execute(f'CREATE DATABASE "{database}"')
            print(f"created database {database!r}")
        except asyncpg.DuplicateDatabaseError:
            pass  # created meanwhile by someone else
        finally:
            await admin.close()
        conn = await asyncpg.connect(dsn, timeout=TIMEOUT)
    try:
        await conn.fetchval("SELECT 1")
    finally:
        await conn.close()


async def check_redis(url: str) -> None:
    from redis.asyncio import from_url

    client = from_url(url, socket_connect_timeout=TIMEOUT, socket_timeout=TIMEOUT)
    try:
        await client.ping()
    finally:
        await client.aclose()


async def check_rabbitmq(url: str) -> None:
    import aio_pika

    for noisy in ("aiormq", "aio_pika"):  # they log the refusal we report ourselves
        logging.getLogger(noisy).setLevel(logging.CRITICAL)
    connection = await aio_pika.connect(url, timeout=TIMEOUT)
    await connection.close()


CHECKS: dict[str, Callable[[str], Awaitable[None]]] = {
    POSTGRES.label: check_postgres,
    REDIS.label: check_redis,
    RABBITMQ.label: check_rabbitmq,
}


async def _one(backing: Backing, url: str) -> str | None:
    try:
        await asyncio.wait_for(CHECKS[backing.label](url), TIMEOUT * 3)
    except Exception as exc:  # any failure means "not usable"; say which and why
        reason = str(exc).strip() or type(exc).__name__
        return f"{backing.label} is not reachable at {redact(url)} ({reason}); {backing.hint}"
    return None


def missing(urls: dict[str, str] | None = None) -> list[str]:
    """A sentence per backing service that cannot be used; empty when all answer. ``urls``
    (by variable name, e.g. ``PAMTALK_DATABASE_URL``) replace the settings' for this check."""
    given = urls or {}

    async def run() -> list[str | None]:
        return await asyncio.gather(*(_one(b, given.get(b.env) or b.url()) for b in ALL))

    return [problem for problem in asyncio.run(run()) if problem]
