"""The app factory: a service describes itself in a ``ServiceDefinition`` and gets a
FastAPI app with the kit's lifespan (database, Redis, bus, outbox relay, consumers,
graceful shutdown), problem responses, request context, metrics, health and tracing."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from fastapi import APIRouter, FastAPI
from sqlalchemy import Table

from pamtalk.auth.revocation import RevocationListener
from pamtalk.bus.base import Handler
from pamtalk.db.outbox import OutboxRelay
from pamtalk.errors import install_problem_handlers
from pamtalk.gc_policy import apply_after_startup
from pamtalk.health import ReadinessCheck, dependencies
from pamtalk.health import router as health_router
from pamtalk.interpreter import restore_recursion_limit
from pamtalk.logging import configure_logging
from pamtalk.metrics import DB_POOL, QUEUE_LENGTH
from pamtalk.middleware import RequestContextMiddleware
from pamtalk.openapi.components import API_VERSION
from pamtalk.openapi.shape import operation_id, shape_openapi
from pamtalk.runtime import Runtime, Shared, build_runtime
from pamtalk.settings import ServiceSettings
from pamtalk.tracing import configure_tracing, instrument

log = logging.getLogger("pamtalk.app")
Hook = Callable[[Runtime], Awaitable[None]]


@dataclass
class ServiceDefinition:
    name: str
    title: str
    description: str
    settings_cls: type[ServiceSettings]
    routers: list[APIRouter]
    outbox: Table | None = None
    # The service's own state (caches, clients, models), built first at start-up and
    # reached as ``runtime.state`` (typed: ``pamtalk.runtime.service_state``).
    build_state: Callable[[Runtime], Awaitable[object]] | None = None
    consumers: dict[str, Callable[[Runtime], Handler]] = field(default_factory=dict)
    on_startup: list[Hook] = field(default_factory=list)
    on_shutdown: list[Hook] = field(default_factory=list)
    readiness_checks: dict[str, ReadinessCheck] = field(default_factory=dict)
    metrics_refresh: Hook | None = None
    openapi_tags: list[dict[str, str]] = field(default_factory=list)
    version: str = API_VERSION
    # Whether the service's replica reads show callers their own writes (read-your-writes:
    # a write by a logged-in user then records its WAL position - one query and one Redis
    # SET - and that user's replica reads wait for it). False where every replica read is
    # public and cached anyway (the transaction service's dashboard).
    replica_own_writes: bool = True


def create_service_app(
    definition: ServiceDefinition,
    settings: ServiceSettings | None = None,
    shared: Shared | None = None,
) -> FastAPI:
    settings = settings or definition.settings_cls()
    restore_recursion_limit()  # the service's imports (web3 -> py_ecc) may have raised it
    if shared is None:
        configure_logging(definition.name, settings.log_level, settings.log_json)
        configure_tracing(definition.name)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        runtime = build_runtime(
            definition.name, settings, shared, definition.outbox, own_writes=definition.replica_own_writes
        )
        app.state.runtime = runtime
        runtime.db.start_replica()
        runtime.revocation_listener = RevocationListener(runtime.redis, runtime.revocations)
        runtime.revocation_listener.start()
        try:
            if definition.build_state is not None:
                runtime.state = await definition.build_state(runtime)
            for hook in definition.on_startup:
                await hook(runtime)
            for queue, factory in definition.consumers.items():
                runtime.bus.consume(queue, factory(runtime))
            if runtime.owns_bus:
                await runtime.bus.start()
            if definition.outbox is not None:
                runtime.relay = OutboxRelay(
                    runtime.db,
                    runtime.bus,
                    poll_seconds=settings.outbox_poll_seconds,
                    coalesce_seconds=settings.outbox_coalesce_seconds,
                )
                runtime.relay.start()
            if shared is None:  # a process of its own (the embedded host applies it once for all)
                apply_after_startup(settings.gc_threshold)
            restore_recursion_limit()  # a start-up hook may have imported a library that raised it
            runtime.ready = True
            log.info("service started", extra={"env": settings.env})
            yield
        finally:
            # Readiness fails first, then consumers stop taking messages and in-flight
            # handlers finish, the relay stops, and the pools close.
            runtime.ready = False
            if runtime.owns_bus:
                await runtime.bus.stop_consuming()
            if runtime.relay is not None:
                await runtime.relay.stop()
            for hook in definition.on_shutdown:
                await hook(runtime)
            await runtime.revocation_listener.stop()
            if runtime.owns_bus:
                await runtime.bus.close()
            if runtime.owns_redis:
                await runtime.redis.aclose()
            await runtime.db.close()
            log.info("service stopped")

    app = FastAPI(
        title=definition.title,
        description=definition.description,
        version=definition.version,
        lifespan=lifespan,
        openapi_tags=definition.openapi_tags or None,
        generate_unique_id_function=operation_id,
    )
    shape_openapi(app)
    app.state.readiness_checks = definition.readiness_checks
    app.state.settings = settings

    async def refresh_metrics() -> None:
        runtime: Runtime = app.state.runtime
        await dependencies(runtime)
        pool = runtime.db.pool_status()
        for state, value in pool.items():
            DB_POOL.labels(definition.name, state).set(value)
        try:
            for queue, length in (await runtime.bus.queue_lengths()).items():
                QUEUE_LENGTH.labels(queue).set(length)
        except Exception:
            log.warning("queue lengths unavailable")
        if definition.metrics_refresh is not None:
            await definition.metrics_refresh(runtime)

    app.state.refresh_metrics = refresh_metrics
    install_problem_handlers(app)
    app.include_router(health_router)
    for router in definition.routers:
        app.include_router(router)
    app.add_middleware(
        RequestContextMiddleware,
        service=definition.name,
        access_log=settings.access_log == "all",
        max_body=settings.max_body_bytes,
    )
    instrument(app)
    return app
