"""What a running service holds: settings, its database, Redis, the bus, the token
verifier and the outbox relay. Created in the app's lifespan; shared pieces (bus, Redis,
JWKS) can be handed in by the embedded mode, which runs all services in one process."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeVar

from redis.asyncio import Redis
from sqlalchemy import Table

from pamtalk.auth.jwks import JwksFetcher, JwksVerifier, http_fetcher
from pamtalk.auth.revocation import RevocationListener, Revocations
from pamtalk.bus import make_bus
from pamtalk.bus.base import Bus
from pamtalk.cache import make_redis
from pamtalk.db.database import Database
from pamtalk.db.outbox import OutboxRelay
from pamtalk.settings import ServiceSettings


@dataclass
class Shared:
    """Resources the embedded mode shares between the services of one process."""

    bus: Bus
    redis: Redis
    jwks_fetcher: JwksFetcher | None = None
    database_url: str | None = None
    replica_url: str = ""  # with database_url: its replica (tests); the embedded mode has none


@dataclass
class Runtime:
    service: str
    settings: ServiceSettings
    db: Database
    redis: Redis
    bus: Bus
    verifier: JwksVerifier
    revocations: Revocations = field(default_factory=Revocations)
    revocation_listener: RevocationListener | None = None
    outbox: Table | None = None
    relay: OutboxRelay | None = None
    owns_bus: bool = True
    owns_redis: bool = True
    ready: bool = False
    state: object = None  # the service's own state (ServiceDefinition.build_state)


S = TypeVar("S")


def service_state(runtime: Runtime, cls: type[S]) -> S:
    """The service's state as its own class (``ServiceDefinition.build_state`` made it)."""
    state = runtime.state
    if not isinstance(state, cls):
        raise RuntimeError(f"{runtime.service} has no {cls.__name__} (is the service started?)")
    return state


def _bus(settings: ServiceSettings, service: str) -> Bus:
    if settings.bus == "memory":
        return make_bus("memory", service=service)
    return make_bus(
        settings.amqp_url,
        service=service,
        queue_prefix=settings.amqp_prefix,
        prefetch=settings.consumer_prefetch,
        batch=settings.consumer_batch,
        batch_wait=settings.consumer_batch_wait,
    )


def build_runtime(
    service: str,
    settings: ServiceSettings,
    shared: Shared | None,
    outbox: Table | None,
    *,
    own_writes: bool = True,
) -> Runtime:
    db = Database(
        shared.database_url if shared and shared.database_url else settings.database_url,
        settings.db_schema,
        producer=service,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        reconnect_seconds=settings.db_reconnect_seconds,
        synchronous_commit=settings.db_synchronous_commit,
    )
    redis = shared.redis if shared else make_redis(settings.redis_url)
    replica_url = shared.replica_url if shared and shared.database_url else settings.replica_url
    if replica_url:
        db.attach_replica(
            replica_url,
            redis=redis,
            max_lag=settings.replica_max_lag_seconds,
            wait=settings.replica_wait_seconds,
            own_writes=own_writes,
        )
    fetcher = (shared.jwks_fetcher if shared else None) or http_fetcher(settings.jwks_url)
    verifier = JwksVerifier(fetcher, issuer=settings.jwt_issuer, audience=settings.jwt_audience)
    return Runtime(
        service=service,
        settings=settings,
        db=db,
        redis=redis,
        bus=shared.bus if shared else _bus(settings, service),
        verifier=verifier,
        outbox=outbox,
        owns_bus=shared is None,
        owns_redis=shared is None,
    )
