"""A stand-in service for gateway and launcher tests: a tiny ASGI app that echoes.

``app`` answers ``/livez``, ``/readyz``, ``/openapi.json`` and, for any other path, a JSON
echo of the service, replica port, method, path, query, headers and body size. Query
parameters simulate behaviour: ``status=503`` (answer with it), ``sleep=0.5`` (delay),
``cc=no-store`` (Cache-Control), ``vary=Authorization`` (Vary), ``pad=2000`` (longer
body). A path ending in ``/stream`` answers an SSE stream of two events one second apart.

``python -m tests.gateway.dummy_app --ports 9101,9102 [--broken 9112]`` serves ``app`` on
several ports from one process (the service name is told by the port) and, on each
``--broken`` port, a server that reads a request and closes the connection unanswered.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import socket
from typing import Any
from urllib.parse import parse_qs

from gateway.routes import SERVICES

Scope = dict[str, Any]
_counter = itertools.count(1)


def service_for(port: int) -> str:
    offset = int(os.environ.get("PAMTALK_PORT_OFFSET", "0"))
    for svc in SERVICES:
        if port - offset in svc.ports:
            return svc.name
    return os.environ.get("PAMTALK_SERVICE", "unknown")


async def _read_body(receive: Any) -> int:
    size, more = 0, True
    while more:
        message = await receive()
        size += len(message.get("body", b""))
        more = message.get("more_body", False)
    return size


async def _send(send: Any, status: int, body: bytes, headers: list[tuple[bytes, bytes]]) -> None:
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def app(scope: Scope, receive: Any, send: Any) -> None:
    if scope["type"] == "lifespan":
        while (await receive())["type"] != "lifespan.shutdown":
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})
        return
    port = scope["server"][1]
    name = service_for(port)
    path, query = scope["path"], parse_qs(scope["query_string"].decode())
    json_type = (b"content-type", b"application/json")
    if path in ("/livez", "/readyz"):
        await _send(send, 200, b'{"status":"ok"}', [json_type])
        return
    if path == "/openapi.json":
        doc = {"openapi": "3.1.0", "info": {"title": f"{name} service", "version": "0"}, "paths": {}}
        await _send(send, 200, json.dumps(doc).encode(), [json_type])
        return
    if path.endswith("/stream"):
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"text/event-stream")],
            }
        )
        for number in (1, 2):
            event = f"event: tick\ndata: {number}\n\n".encode()
            await send({"type": "http.response.body", "body": event, "more_body": number == 1})
            if number == 1:
                await asyncio.sleep(1.0)
        return
    body_size = await _read_body(receive)
    if "sleep" in query:
        await asyncio.sleep(float(query["sleep"][0]))
    echo = {
        "service": name,
        "port": port,
        "method": scope["method"],
        "path": path,
        "query": scope["query_string"].decode(),
        "headers": {k.decode(): v.decode() for k, v in scope["headers"]},
        "body_size": body_size,
        "served": next(_counter),
        "pad": "x" * int(query.get("pad", ["0"])[0]),
    }
    headers = [json_type, (b"x-request-id", b"from-the-service")]
    if "cc" in query:
        headers.append((b"cache-control", query["cc"][0].encode()))
    if "vary" in query:
        headers.append((b"vary", query["vary"][0].encode()))
    await _send(send, int(query.get("status", ["200"])[0]), json.dumps(echo).encode(), headers)


async def _broken(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        await reader.readuntil(b"\r\n\r\n")
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
        pass
    writer.transport.abort()


def _socket(port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


async def _serve(ports: list[int], broken: list[int]) -> None:
    import uvicorn

    from pamtalk.server import server_config

    config = server_config(app, lifespan="off", access_log=False, log_level="warning")  # as a service
    server = uvicorn.Server(config)
    sockets = [_socket(port) for port in ports]
    broken_servers = [await asyncio.start_server(_broken, sock=_socket(port)) for port in broken]
    try:
        await server.serve(sockets=sockets)
    finally:
        for srv in broken_servers:
            srv.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ports", default="")
    parser.add_argument("--broken", default="")
    args = parser.parse_args()
    ports = [int(p) for p in args.ports.split(",") if p]
    broken = [int(p) for p in args.broken.split(",") if p]
    asyncio.run(_serve(ports, broken))


if __name__ == "__main__":
    main()
