"""A request sent as raw bytes over a socket, for what an HTTP client library refuses to
send (a NUL or another control character in a header), and its answer read back."""

from __future__ import annotations

import json
import socket
from dataclasses import dataclass
from typing import Any

# Bytes no header may hold (RFC 9110 5.5): NUL, another control character, DEL.
FORBIDDEN_IN_HEADERS = (b"\x00", b"\x01", b"\x1b", b"\x7f")


@dataclass
class RawAnswer:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def send_raw(url: str, request: bytes, timeout: float = 10.0) -> RawAnswer:
    """Send ``request`` (the whole of it) to ``http://host:port`` and read the answer; the
    request asks the server to close the connection after it."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port.rstrip("/"))), timeout=timeout) as sock:
        sock.sendall(request)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if headers.get("transfer-encoding") == "chunked":
        body = _unchunk(body)
    return RawAnswer(int(status_line.split()[1]), headers, body)


def _unchunk(data: bytes) -> bytes:
    out = b""
    while data:
        size_line, _, data = data.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            break
        out, data = out + data[:size], data[size + 2 :]
    return out


def idempotent_post(path: str, key: bytes) -> bytes:
    """A trade-opening POST whose ``Idempotency-Key`` is ``key``, as raw bytes."""
    body = b"{}"
    return (
        b"POST " + path.encode() + b" HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
        b"Content-Type: application/json\r\nContent-Length: " + str(len(body)).encode() + b"\r\n"
        b"Idempotency-Key: " + key + b"\r\n\r\n" + body
    )


def assert_unreadable(answer: RawAnswer) -> dict[str, Any]:
    """``answer`` is the platform's 400 problem for a request that could not be read."""
    assert answer.status == 400, answer
    assert answer.headers["content-type"] == "application/problem+json", answer
    problem: dict[str, Any] = answer.json()
    assert problem["type"] == "https://pamtalk.kr/problems/bad-request" and problem["status"] == 400
    assert "could not be read" in problem["detail"] and problem["request_id"]
    return problem
