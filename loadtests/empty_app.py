"""An application that does nothing: every path answers at once, as the calibration stub does
(201 for a POST, 202 for an ESG submission, 200 for a trade confirmation and for a GET).

``python -m loadtests.calibrate --empty-app 2`` runs it in uvicorn processes behind nginx
(upstream keepalive, as the gateway proxies): the rate the load generator, nginx and a
FastAPI service with no work at all hold together on this machine, an upper bound for any
platform built of such services here."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import Response

BODY = b'{"id":"00000000-0000-7000-8000-000000000000","items":[]}'
app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)


@app.api_route("/{path:path}", methods=["GET", "POST"])
async def answer(path: str, request: Request) -> Response:
    status = 200
    if request.method == "POST":
        await request.body()
        status = 202 if path.endswith("/esg") else 200 if path.endswith("/confirm") else 201
    return Response(BODY, status_code=status, media_type="application/json")
