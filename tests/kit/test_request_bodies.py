"""Request bodies no route could need are refused before they are parsed, a body nested
deeper than any of ours is a 4xx problem (it used to crash the process), and every request
body model is strict (``pamtalk.bodies.RequestBody``).

The probes run the whole embedded platform (every service in one process, as ``make run``
does) in a subprocess, so a crash shows as the subprocess dying rather than taking the
test run down with it."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
import types
from collections.abc import Iterator
from typing import Any, Union, get_args, get_origin

from fastapi.routing import APIRoute, _IncludedRouter
from starlette.routing import BaseRoute

from gateway.routes import SERVICES
from pamtalk.bodies import RequestBody

PROBE = r"""
import asyncio, json, re, sys, uuid
import httpx
from gateway.embedded.host import EmbeddedPlatform
from pamtalk.cache import make_redis
from services.blockchain.settings import BlockchainSettings

# The chain libraries load where anchoring runs (py_ecc raises the recursion limit on import).
BlockchainSettings().anchor_client()

# No database is reached: bodies are refused before any dependency runs.
platform = EmbeddedPlatform("postgresql+asyncpg://nobody@127.0.0.1:9/none", make_redis("fake"))
body = {"deep": b"[" * 60_000,  # under the 64 KiB limit: it reaches the parser
         "large": b'{"name": "' + b"x" * 2_000_000 + b'"}'}[sys.argv[1]]

async def main():
    results = {"recursion_limit": sys.getrecursionlimit(), "answers": []}
    transport = httpx.ASGITransport(app=platform)
    async with httpx.AsyncClient(transport=transport, base_url="http://embedded") as client:
        for name, app in platform.apps.items():
            for path, item in app.openapi()["paths"].items():
                for method, op in item.items():
                    if "requestBody" not in op:
                        continue
                    url = re.sub(r"\{[^}]+\}", str(uuid.uuid4()), path)
                    r = await client.request(
                        method.upper(), url, content=body, headers={"Content-Type": "application/json"}
                    )
                    results["answers"].append(
                        [name, method.upper(), path, r.status_code, r.headers.get("content-type")]
                    )
    print(json.dumps(results))

asyncio.run(main())
"""


def probe(kind: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, kind], capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, f"the platform process died ({done.returncode}): {done.stderr[-2000:]}"
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_deeply_nested_body_is_400_on_every_route_and_the_process_lives() -> None:
    result = probe("deep")
    assert result["recursion_limit"] == 1000  # no chain library left it raised
    answers = result["answers"]
    assert len(answers) >= 15  # every write route of the six services
    wrong = [a for a in answers if a[3] != 400 or a[4] != "application/problem+json"]
    assert not wrong, wrong


def test_body_far_larger_than_any_route_needs_is_413_on_every_route() -> None:
    answers = probe("large")["answers"]
    assert len(answers) >= 15
    wrong = [a for a in answers if a[3] != 413 or a[4] != "application/problem+json"]
    assert not wrong, wrong


def _routes(routes: list[BaseRoute]) -> Iterator[BaseRoute]:
    """Every route of an app, through included routers (FastAPI keeps them lazy)."""
    for route in routes:
        if isinstance(route, _IncludedRouter):
            yield from _routes(route.original_router.routes)
        else:
            yield route


def _body_types(annotation: Any) -> list[Any]:
    """The types a body annotation allows (``JobIn | None`` -> ``[JobIn]``)."""
    if get_origin(annotation) in (Union, types.UnionType):
        return [t for arg in get_args(annotation) if arg is not type(None) for t in _body_types(arg)]
    return [annotation]


def test_every_request_body_is_strict() -> None:
    bodies = {}
    for svc in SERVICES:
        app = importlib.import_module(svc.module).app
        for route in _routes(app.router.routes):
            if isinstance(route, APIRoute) and route.body_field is not None:
                for model in _body_types(route.body_field.field_info.annotation):
                    bodies[f"{svc.name} {sorted(route.methods)} {route.path}"] = model
    assert len(bodies) >= 17, bodies  # every write route of the six services
    loose = {
        where: model
        for where, model in bodies.items()
        if not (isinstance(model, type) and issubclass(model, RequestBody))
    }
    assert not loose, f"request bodies that are not a RequestBody: {loose}"
