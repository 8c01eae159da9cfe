"""``/livez`` (the process answers), ``/readyz`` (it can take requests) and ``/health``
(what it depends on, for people and dashboards), plus ``/metrics``.

Ready means "send me requests": started, not draining, and the service's own checks (its
models loaded). It does not depend on PostgreSQL, Redis or RabbitMQ. Those are shared by
every instance, so a blink of one would take every pod out of its Service at once, which is
what the outbox and the 503 problems exist to avoid: while the broker is down events wait in
the outbox, and a request that needs a missing database or Redis gets a 503 problem with
``Retry-After``. Their state is in ``/health`` and in the ``dependency_up`` gauge (alerts).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import orjson
from fastapi import APIRouter, Request
from starlette.responses import Response

from pamtalk.metrics import DEPENDENCY_UP, metrics_endpoint
from pamtalk.runtime import Runtime

ReadinessCheck = Callable[[Runtime], Awaitable[bool]]

router = APIRouter(include_in_schema=False)


@router.get("/livez")
async def livez() -> Response:
    return Response(b'{"status":"alive"}', media_type="application/json")


async def _check(name: str, probe: Awaitable[bool]) -> tuple[str, str]:
    try:
        ok = await asyncio.wait_for(probe, timeout=2.0)
    except Exception as exc:
        return name, f"failing: {type(exc).__name__}"
    return name, "ok" if ok else "failing"


async def _checks(probes: dict[str, Awaitable[bool]]) -> dict[str, str]:
    return dict(await asyncio.gather(*(_check(n, p) for n, p in probes.items())))


async def readiness(runtime: Runtime, own: dict[str, ReadinessCheck]) -> tuple[bool, dict[str, str]]:
    """Whether the service can take requests: its lifecycle and its own checks. A replica
    that does not answer or lags is named (its reads go to the primary) and does not count."""
    results = await _checks({name: check(runtime) for name, check in own.items()})
    results["lifecycle"] = "ok" if runtime.ready else "starting or draining"
    ok = all(v == "ok" for v in results.values())
    if (replica := _replica_state(runtime)) is not None:
        results["replica"] = replica
    return ok, results


def _replica_state(runtime: Runtime) -> str | None:
    replica = runtime.db.replica
    if replica is None:
        return None
    if replica.usable:
        return "ok"
    if not replica.up:
        return "not answering: its reads go to the primary"
    return f"lagging ({replica.lag} s): its reads go to the primary"


async def dependencies(runtime: Runtime) -> dict[str, str]:
    """Each backing service as this service sees it (also set in ``dependency_up``)."""
    results = await _checks(
        {"database": runtime.db.ping(), "redis": _redis_ping(runtime), "broker": runtime.bus.ping()}
    )
    for name, state in results.items():
        DEPENDENCY_UP.labels(runtime.service, name).set(1 if state == "ok" else 0)
    if (replica := _replica_state(runtime)) is not None:  # its own gauges: database_replica_*
        results["replica"] = replica
    return results


async def _redis_ping(runtime: Runtime) -> bool:
    return bool(await runtime.redis.ping())


@router.get("/readyz")
async def readyz(request: Request) -> Response:
    ok, results = await readiness(request.app.state.runtime, request.app.state.readiness_checks)
    body = orjson.dumps({"status": "ready" if ok else "not ready", "checks": results})
    return Response(body, status_code=200 if ok else 503, media_type="application/json")


@router.get("/health")
async def health(request: Request) -> Response:
    """Readiness and every dependency; ``degraded`` when one of them fails (still 200: the
    service answers, this is a report)."""
    runtime: Runtime = request.app.state.runtime
    ok, checks = await readiness(runtime, request.app.state.readiness_checks)
    deps = await dependencies(runtime)
    status = ("ok" if all(v == "ok" for v in deps.values()) else "degraded") if ok else "not ready"
    body = orjson.dumps({"status": status, "checks": checks, "dependencies": deps})
    return Response(body, media_type="application/json")


router.add_api_route("/metrics", metrics_endpoint, methods=["GET"])
