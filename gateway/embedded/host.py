"""The embedded platform: all six services in one ASGI app, routed by the route table.

Requests go to the service whose route prefix matches (the same table nginx is generated
from); the host itself answers ``/docs``, ``/openapi.json`` (the platform's one document),
``/openapi/<service>.json``, ``/healthz``,
``/livez``, ``/readyz`` and ``/metrics``. The services share one in-memory bus, one Redis
stand-in and one database (each in its own schema), and verify tokens with the user
service's keys through an in-process call."""

from __future__ import annotations

import importlib
from contextlib import AsyncExitStack
from typing import Any

import httpx
import orjson
from fastapi import FastAPI
from redis.asyncio import Redis
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send

from gateway import docs_page
from gateway.routes import SERVICES, route_for
from pamtalk.bus.memory import MemoryBus
from pamtalk.health import dependencies, readiness
from pamtalk.metrics import metrics_endpoint
from pamtalk.openapi.combine import combine
from pamtalk.runtime import Shared


def available_services() -> list[str]:
    """Services whose app module exists (all six once every issue has landed)."""
    names = []
    for svc in SERVICES:
        try:
            module = importlib.import_module(svc.module)
        except ModuleNotFoundError:
            continue
        if hasattr(module, "create_app"):
            names.append(svc.name)
    return names


class EmbeddedPlatform:
    def __init__(
        self, database_url: str, redis: Redis, bus: MemoryBus | None = None, **settings: Any
    ) -> None:
        self.names = available_services()
        self.bus = bus or MemoryBus()
        self.redis = redis
        self.apps: dict[str, FastAPI] = {}
        self._jwks_client: httpx.AsyncClient | None = None
        shared = Shared(bus=self.bus, redis=redis, jwks_fetcher=self._fetch_jwks, database_url=database_url)
        for name in self.names:
            module = importlib.import_module(f"services.{name}.app")
            self.apps[name] = module.create_app(shared=shared, bus="memory", **settings)
        self.host = self._host_app()
        self._stack = AsyncExitStack()

    async def _fetch_jwks(self) -> dict[str, Any]:
        if self._jwks_client is None:
            transport = httpx.ASGITransport(app=self.apps["user"])
            self._jwks_client = httpx.AsyncClient(transport=transport, base_url="http://embedded")
        response = await self._jwks_client.get("/.well-known/jwks.json")
        response.raise_for_status()
        data: dict[str, Any] = response.json()
        return data

    def _host_app(self) -> FastAPI:
        app = FastAPI(title="PAM-TALK (embedded)", docs_url=None, redoc_url=None, openapi_url=None)
        names = self.names

        @app.get("/", include_in_schema=False)
        async def root() -> Response:
            return RedirectResponse("/docs")

        @app.get("/docs", include_in_schema=False)
        async def docs() -> Response:
            return HTMLResponse(
                docs_page.docs_html(names), headers={"Content-Security-Policy": docs_page.docs_csp(names)}
            )

        @app.get("/openapi.json", include_in_schema=False)
        async def platform_openapi() -> Response:
            doc = combine({name: service_app.openapi() for name, service_app in self.apps.items()})
            return Response(orjson.dumps(doc), media_type="application/json")

        @app.get("/openapi/{service}.json", include_in_schema=False)
        async def openapi(service: str) -> Response:
            if service not in self.apps:
                return Response(status_code=404)
            return Response(orjson.dumps(self.apps[service].openapi()), media_type="application/json")

        @app.get("/healthz", include_in_schema=False)
        @app.get("/livez", include_in_schema=False)
        async def healthz() -> Response:
            return Response(b'{"status":"alive"}', media_type="application/json")

        @app.get("/readyz", include_in_schema=False)
        async def readyz() -> Response:
            report, ok = {}, True
            for name, service_app in self.apps.items():
                ready, checks = await readiness(service_app.state.runtime, service_app.state.readiness_checks)
                report[name] = checks
                ok = ok and ready
            return Response(
                orjson.dumps({"status": "ready" if ok else "not ready", "services": report}),
                status_code=200 if ok else 503,
                media_type="application/json",
            )

        @app.get("/health", include_in_schema=False)
        async def health() -> Response:
            report = {name: await dependencies(a.state.runtime) for name, a in self.apps.items()}
            degraded = any(state != "ok" for deps in report.values() for state in deps.values())
            body = {"status": "degraded" if degraded else "ok", "dependencies": report}
            return Response(orjson.dumps(body), media_type="application/json")

        @app.get("/metrics", include_in_schema=False)
        async def metrics(request: Request) -> Response:
            for service_app in self.apps.values():
                await service_app.state.refresh_metrics()
            return await metrics_endpoint(request)

        assets = docs_page.assets_dir()
        if assets is not None:
            app.mount("/docs/assets", StaticFiles(directory=assets), name="docs-assets")
        return app

    async def start(self) -> None:
        await self.bus.start()
        # user first: the others verify tokens with its keys
        for name in sorted(self.apps, key=lambda n: n != "user"):
            await self._stack.enter_async_context(self.apps[name].router.lifespan_context(self.apps[name]))

    async def stop(self) -> None:
        await self.bus.stop_consuming()
        await self._stack.aclose()
        await self.bus.close()
        if self._jwks_client is not None:
            await self._jwks_client.aclose()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        route = route_for(scope.get("path", "")) if scope["type"] in ("http", "websocket") else None
        target = self.apps.get(route.service) if route is not None else None
        await (target or self.host)(scope, receive, send)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                try:
                    await self.start()
                except Exception as exc:
                    await send({"type": "lifespan.startup.failed", "message": repr(exc)})
                    raise
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.stop()
                await send({"type": "lifespan.shutdown.complete"})
                return
