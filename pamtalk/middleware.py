"""One pure-ASGI middleware for what every request needs: the request id (taken from
``X-Request-ID`` or made), per-request log context, the source plan's metrics and an
access log line. Pure ASGI (not BaseHTTPMiddleware) so streaming responses pass through
and the per-request cost stays small."""

from __future__ import annotations

import logging
import time
import uuid

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pamtalk.context import request_id_var, user_id_var
from pamtalk.metrics import REQUEST_DURATION, REQUEST_TOTAL

log = logging.getLogger("pamtalk.access")
SLOW_SECONDS = 1.0  # logged even when the access log is for errors only
_UNTRACKED = {"/livez", "/readyz", "/metrics"}


def _valid_request_id(value: bytes) -> str | None:
    text = value.decode("latin-1")
    if 0 < len(text) <= 128 and all(c.isalnum() or c in "-_.:" for c in text):
        return text
    return None


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp, service: str, access_log: bool = True) -> None:
        self.app = app
        self.service = service
        self.access_log = access_log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = None
        for name, value in scope["headers"]:
            if name == b"x-request-id":
                rid = _valid_request_id(value)
                break
        rid = rid or uuid.uuid4().hex
        rid_token = request_id_var.set(rid)
        user_token = user_id_var.set(None)
        status = 500
        start = time.perf_counter()
        rid_header = (b"x-request-id", rid.encode())

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), rid_header]
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
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
