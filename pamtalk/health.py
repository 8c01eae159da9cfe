"""``/livez`` (the process answers), ``/readyz`` (own database, Redis, broker and any
service-specific check such as models loaded) and ``/metrics``."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import orjson
from fastapi import APIRouter, Request
from starlette.responses import Response

from pamtalk.metrics import metrics_endpoint
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


async def readiness(runtime: Runtime, extra: dict[str, ReadinessCheck]) -> tuple[bool, dict[str, str]]:
    probes = {
        "database": runtime.db.ping(),
        "redis": _redis_ping(runtime),
        "broker": runtime.bus.ping(),
        **{name: check(runtime) for name, check in extra.items()},
    }
    results = dict(await asyncio.gather(*(_check(n, p) for n, p in probes.items())))
    if not runtime.ready:
        results["lifecycle"] = "starting or draining"
    return all(v == "ok" for v in results.values()), results


async def _redis_ping(runtime: Runtime) -> bool:
    return bool(await runtime.redis.ping())


@router.get("/readyz")
async def readyz(request: Request) -> Response:
    ok, results = await readiness(request.app.state.runtime, request.app.state.readiness_checks)
    body = orjson.dumps({"status": "ready" if ok else "not ready", "checks": results})
    return Response(body, status_code=200 if ok else 503, media_type="application/json")


router.add_api_route("/metrics", metrics_endpoint, methods=["GET"])
