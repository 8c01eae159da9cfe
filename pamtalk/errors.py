"""RFC 9457 problem responses: every error a client sees is ``application/problem+json``
with a stable ``type``, a ``title``, the ``status``, a ``detail``, the ``request_id`` and,
for bad input, the field ``errors``."""

from __future__ import annotations

import logging
from typing import Any

import asyncpg
import orjson
import redis.exceptions
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from pamtalk.context import request_id_var
from pamtalk.openapi.components import PROBLEM_MEDIA_TYPE
from pamtalk.openapi.components import problem_response as problem_schema_response

log = logging.getLogger("pamtalk.errors")
PROBLEM_BASE = "https://pamtalk.kr/problems/"
# SQLSTATEs of text PostgreSQL refuses: character_not_in_repertoire, untranslatable_character
_UNSTORABLE_TEXT = {"22021", "22P05"}
# A backing service (PostgreSQL, Redis) that is down, restarting or full: the request may
# succeed if sent again shortly. Nothing was committed (a transaction that lost its
# connection is rolled back by the server).
UNAVAILABLE: tuple[type[Exception], ...] = (
    asyncpg.PostgresConnectionError,  # 08...: the connection failed or was lost
    asyncpg.exceptions.OperatorInterventionError,  # 57...: shutting down, starting up, cancelled
    asyncpg.TooManyConnectionsError,
    asyncpg.InterfaceError,  # "connection is closed" under a statement
    OSError,  # refused, reset, unreachable
    TimeoutError,  # no pooled connection in time, a backing service that does not answer
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
)
RETRY_AFTER_SECONDS = 2

_DEFAULT_TYPES = {
    400: "bad-request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    409: "conflict",
    412: "precondition-failed",
    413: "payload-too-large",
    415: "unsupported-media-type",
    422: "validation-error",
    429: "too-many-requests",
    500: "internal-error",
    503: "unavailable",
}


class Problem(Exception):
    """Raise anywhere in a request to answer with a problem document."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        type_: str | None = None,
        title: str | None = None,
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.type = type_ or _DEFAULT_TYPES.get(status, "error")
        self.title = title or self.type.replace("-", " ").capitalize()
        self.errors = errors
        self.headers = headers or {}
        self.extra = extra


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` documenting problem documents (the shared ``Problem`` component)
    for ``statuses``: pass it to a route or router for the statuses only it can answer (403,
    409 ...); those of every operation (400, 401, 404, 413, 422, 503) are declared by
    ``pamtalk.openapi.shape``."""
    return {status: problem_schema_response(status) for status in statuses}


def problem_document(problem: Problem, instance: str, request_id: str | None) -> bytes:
    """The problem as the JSON an answer carries."""
    body: dict[str, Any] = {
        "type": PROBLEM_BASE + problem.type,
        "title": problem.title,
        "status": problem.status,
        "detail": problem.detail,
        "instance": instance,
        "request_id": request_id,
    }
    if problem.errors:
        body["errors"] = problem.errors
    body.update(problem.extra)
    return orjson.dumps(body, default=str)


def problem_response(problem: Problem, instance: str = "") -> Response:
    return Response(
        problem_document(problem, instance, request_id_var.get()),
        status_code=problem.status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=problem.headers,
    )


UNAVAILABLE_DETAIL = (
    "A service this request needs is briefly unavailable; nothing was changed. Try again shortly."
)


def unavailable_problem(detail: str = UNAVAILABLE_DETAIL, type_: str = "unavailable") -> Problem:
    """A 503 the client may retry after ``Retry-After`` seconds; nothing was changed."""
    return Problem(503, detail, type_=type_, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})


def _field_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    out = []
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ())]
        out.append(
            {
                "field": ".".join(loc[1:] if loc and loc[0] in ("body", "query", "path", "header") else loc),
                "in": loc[0] if loc else "",
                "message": err.get("msg", ""),
                "code": err.get("type", ""),
            }
        )
    return out


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(Problem)
    async def _problem(request: Request, exc: Problem) -> Response:
        return problem_response(exc, request.url.path)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        return problem_response(
            Problem(422, "The request has invalid fields.", errors=_field_errors(exc)), request.url.path
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        detail = exc.detail if isinstance(exc.detail, str) else "Request failed."
        return problem_response(
            Problem(exc.status_code, detail, headers=dict(exc.headers or {})), request.url.path
        )

    for unavailable in UNAVAILABLE:

        @app.exception_handler(unavailable)
        async def _unavailable(request: Request, exc: Exception) -> Response:
            log.warning(
                "backing service unavailable",
                extra={"error_code": "unavailable", "error": f"{type(exc).__name__}: {exc}"},
            )
            return problem_response(unavailable_problem(), request.url.path)

    for conflict in (asyncpg.exceptions.SerializationError, asyncpg.exceptions.DeadlockDetectedError):

        @app.exception_handler(conflict)
        async def _concurrent(request: Request, exc: Exception) -> Response:
            # Another transaction changed the same rows first: this one was rolled back whole.
            log.warning("concurrent update", extra={"error_code": "concurrent-update", "error": str(exc)})
            problem = unavailable_problem(
                "Someone changed the same data at the same moment; nothing was changed. Try again.",
                type_="concurrent-update",
            )
            return problem_response(problem, request.url.path)

    @app.exception_handler(asyncpg.PostgresError)
    async def _database(request: Request, exc: Exception) -> Response:
        # Text PostgreSQL cannot store (a NUL character, say) is bad input, not our failure;
        # the transaction was rolled back, so nothing was written.
        if getattr(exc, "sqlstate", None) in _UNSTORABLE_TEXT:
            return problem_response(
                Problem(
                    422,
                    "The request contains a character that cannot be stored (for example NUL).",
                    type_="invalid-text",
                ),
                request.url.path,
            )
        return await _unexpected(request, exc)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error", extra={"error_code": "internal-error"})
        return problem_response(Problem(500, "Something went wrong on our side."), request.url.path)
