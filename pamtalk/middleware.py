"""One pure-ASGI middleware for what every request needs: the request id (taken from
``X-Request-ID`` or made), per-request log context, the source plan's metrics, an
access log line, and the refusal of a body larger than the service reads (a 413 problem:
before the body is received when ``Content-Length`` says so, else once the body read so
far passes the limit). Pure ASGI (not BaseHTTPMiddleware) so streaming responses pass through
and the per-request cost stays small."""

from __future__ import annotations

import logging
import time
import uuid

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pamtalk.context import request_id_var, user_id_var
from pamtalk.errors import Problem, problem_response
from pamtalk.metrics import REQUEST_DURATION, REQUEST_TOTAL

log = logging.getLogger("pamtalk.access")
error_log = logging.getLogger("pamtalk.errors")
SLOW_SECONDS = 1.0  # logged even when the access log is for errors only
_UNTRACKED = {"/livez", "/readyz", "/metrics"}


def _valid_request_id(value: bytes) -> str | None:
    text = value.decode("latin-1")
    if 0 < len(text) <= 128 and all(c.isalnum() or c in "-_.:" for c in text):
        return text
    return None


def _limited(receive: Receive, limit: int) -> Receive:
    """``receive`` that refuses a streamed body once it passes ``limit`` bytes."""
    seen = 0

    async def limited() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise HTTPException(
                    413, f"The request body is larger than this service reads ({limit} bytes)."
                )
        return message

    return limited


class RequestContextMiddleware:
    def __init__(
        self, app: ASGIApp, service: str, access_log: bool = True, max_body: int | None = None
    ) -> None:
        self.app = app
        self.service = service
        self.access_log = access_log
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = None
        length: bytes | None = None
        for name, value in scope["headers"]:
            if name == b"x-request-id":
                rid = _valid_request_id(value)
            elif name == b"content-length":
                length = value
        too_large = False
        if self.max_body is not None:
            if length is None:
                receive = _limited(receive, self.max_body)
            else:
                too_large = not length.isdigit() or int(length) > self.max_body
        rid = rid or uuid.uuid4().hex
        rid_token = request_id_var.set(rid)
        user_token = user_id_var.set(None)
        status = 500
        started = False
        start = time.perf_counter()
        rid_header = (b"x-request-id", rid.encode())

        async def send_wrapper(message: Message) -> None:
            nonlocal status, started
            if message["type"] == "http.response.start":
                status, started = message["status"], True
                message["headers"] = [*message.get("headers", []), rid_header]
            await send(message)

        try:
            if too_large:
                problem = Problem(
                    413, f"The request body is larger than this service reads ({self.max_body} bytes)."
                )
                await problem_response(problem, scope["path"])(scope, receive, send_wrapper)
            else:
                await self.app(scope, receive, send_wrapper)
        except Exception:
            # Answered here rather than by Starlette's outermost handler, which re-raises to
            # the server after its 500: uvicorn then closes the connection, and the gateway's
            # next request on that kept-alive upstream connection failed with a 502.
            if started:
                raise  # the response is half sent: nothing better can be done
            error_log.exception("unhandled error", extra={"error_code": "internal-error"})
            problem = Problem(500, "Something went wrong on our side.")
            await problem_response(problem, scope["path"])(scope, receive, send_wrapper)
        finally:
            elapsed = time.perf_counter() - start
            path = scope["path"]
            if path not in _UNTRACKED:
                route = getattr(scope.get("route"), "path", None) or "unmatched"
                labels = (self.service, scope["method"], route, str(status))
                REQUEST_DURATION.labels(*labels).observe(elapsed)
                REQUEST_TOTAL.labels(*labels).inc()
                if self.access_log or status >= 500 or elapsed >= SLOW_SECONDS:
                    log.log(
                        logging.ERROR
                        if status >= 500
                        else (logging.WARNING if elapsed >= SLOW_SECONDS else logging.INFO),
                        "%s %s %s",
                        scope["method"],
                        path,
                        status,
                        extra={
                            "endpoint": route,
                            "status": status,
                            "response_time": round(elapsed * 1000, 2),
                            "error_code": status if status >= 400 else None,
                        },
                    )
            request_id_var.reset(rid_token)
            user_id_var.reset(user_token)
