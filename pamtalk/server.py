"""The HTTP server's own answers, as problem documents.

A request uvicorn's HTTP parser cannot read (a NUL or another control character in a
header, a malformed request line) never reaches the app: uvicorn answers it with a
``text/plain`` 400 of its own. ``ProblemHttpProtocol`` is uvicorn's protocol (httptools,
or h11 where httptools is missing, as uvicorn's ``auto`` picks) answering that 400 as the
platform answers every error: RFC 9457 ``application/problem+json`` with a request id.

Every place that starts uvicorn uses it: ``server_config`` (``make run``), and the
command line of ``make up`` and of the images, with ``--http`` ``HTTP_PROTOCOL``.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from pamtalk.errors import PROBLEM_MEDIA_TYPE, Problem, problem_document

HTTP_PROTOCOL = "pamtalk.server:ProblemHttpProtocol"  # for ``uvicorn --http``
UNREADABLE = (
    "The request could not be read: a header or the request line holds a character HTTP does "
    "not allow (a NUL or another control character) or is malformed. Nothing was done."
)


def bad_request(default_headers: list[tuple[bytes, bytes]]) -> bytes:
    """The whole 400 answer to a request that could not be parsed; the connection closes."""
    request_id = uuid.uuid4().hex
    body = problem_document(Problem(400, UNREADABLE, type_="bad-request"), "", request_id)
    head = [b"HTTP/1.1 400 Bad Request"]
    head += [name + b": " + value for name, value in default_headers]
    head += [
        b"content-type: " + PROBLEM_MEDIA_TYPE.encode(),
        b"content-length: " + str(len(body)).encode(),
        b"x-request-id: " + request_id.encode(),
        b"connection: close",
    ]
    return b"\r\n".join(head) + b"\r\n\r\n" + body


class _ProblemAnswers:
    """Mixin over a uvicorn HTTP protocol: its parser's 400 as a problem document."""

    transport: asyncio.Transport
    server_state: Any

    def send_400_response(self, msg: str) -> None:
        self.transport.write(bad_request(self.server_state.default_headers))
        self.transport.close()


class ProblemH11Protocol(_ProblemAnswers, H11Protocol):
    pass


ProblemHttpProtocol: type[asyncio.Protocol]
try:
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
except ImportError:  # pragma: no cover - httptools is a pinned dependency
    ProblemHttpProtocol = ProblemH11Protocol
else:

    class ProblemHttpToolsProtocol(_ProblemAnswers, HttpToolsProtocol):
        pass

    ProblemHttpProtocol = ProblemHttpToolsProtocol


def server_config(app: Any, **options: Any) -> uvicorn.Config:
    """A uvicorn configuration whose own error answers are problem documents."""
    return uvicorn.Config(app, http=ProblemHttpProtocol, **options)
