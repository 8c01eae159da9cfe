"""Support for the benchmarks of one service's writes in its own process (not collected by
pytest: no ``test_`` prefix). Each round starts a uvicorn process of the service from a tree
of the code (e.g. an export of the previous commit, or the working tree; its own folder first
on the path), with a JWKS served by the benchmark (tokens signed as the user service does);
write requests go at a fixed concurrency, the outbox is drained (the relay's publishing is
part of a request's work) and the process's CPU is read from /proc. Trees alternate round by
round; answers that each round reports must be the same for every tree.

A benchmark supplies its requests and checks: ``bench_args`` for the command line, then
``async with scratch_service(...) as bench:`` (scratch database, JWKS, environment) and
``await alternate(args.trees, args.rounds, labels, one_round)`` where ``one_round`` uses
``async with bench.round(tree) as run:`` and ``await run.measured(requests)``."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import threading
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Collection
from contextlib import asynccontextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from tests.conftest import TokenFactory
from tests.live_server import wait_ready

PG = "postgresql://postgres@127.0.0.1:5432"
TICK = os.sysconf("SC_CLK_TCK")
Request = tuple[str, dict[str, str], Any]  # url, headers, JSON body (POSTed)
# What a round reports: answers that must be the same for every tree, and ms CPU per request
# of each measured kind of request.
Figures = tuple[list[str], tuple[float, ...]]


def serve_jwks(tokens: TokenFactory, port: int) -> None:
    """Serve ``tokens``' public keys at ``http://127.0.0.1:{port}/jwks.json`` (any path)."""
    body = json.dumps(tokens.jwks).encode()

    class Jwks(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Jwks)
    threading.Thread(target=server.serve_forever, daemon=True).start()


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime, stime (fields 14, 15)


def start_server(app_path: str, tree: Path, env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    """Uvicorn serving ``app_path`` (``module:attribute``) of ``tree``'s code (its own folder
    first on the path)."""
    cmd = [sys.executable, "-m", "uvicorn", app_path, "--host", "127.0.0.1"]
    cmd += ["--port", str(port), "--no-access-log"]
    return subprocess.Popen(cmd, cwd=tree, env={**env, "PYTHONPATH": str(tree)})


async def drained(conn: asyncpg.Connection, schema: str) -> None:
    """Wait until the relay has published every event (its work is part of the request's)."""
    unpublished = f"SELECT count(*) FROM {schema}.outbox WHERE published_at IS NULL"
    for _ in range(600):
        if not await conn.fetchval(unpublished):
            break
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.3)  # the relay's commit after its last batch


async def run_all(
    client: httpx.AsyncClient, requests: list[Request], concurrency: int, ok: Collection[int]
) -> list[httpx.Response]:
    """POST ``requests`` in order, ``concurrency`` at a time; every answer's status is in ``ok``.
    The responses come in the order they were answered."""
    queue = list(reversed(requests))
    out: list[httpx.Response] = []

    async def worker() -> None:
        while queue:
            url, headers, body = queue.pop()
            response = await client.post(url, headers=headers, json=body)
            assert response.status_code in ok, response.text
            out.append(response)

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return out


def bench_args(description: str | None, trees: str, port: int) -> argparse.Namespace:
    """The command line every write benchmark takes: ``--trees A,B`` (resolved paths),
    ``--rounds``, ``--n`` (requests of each kind measured per round), ``-c`` (concurrency),
    ``--port`` (the service's; the JWKS is served on the next one)."""
    parser = argparse.ArgumentParser(
        description=description, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--trees", default=trees, type=lambda spec: [Path(t).resolve() for t in spec.split(",")]
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--n", type=int, default=1500)
    parser.add_argument("-c", type=int, default=8)
    parser.add_argument("--port", type=int, default=port)
    return parser.parse_args()


def service_env(database_url: str, redis_url: str, amqp_prefix: str, jwks_port: int) -> dict[str, str]:
    """This process's environment for a service on its own database, Redis db and AMQP prefix
    (a pool of 8, warnings only)."""
    return {
        **os.environ,
        "PAMTALK_DATABASE_URL": database_url,
        "PAMTALK_REDIS_URL": redis_url,
        "PAMTALK_AMQP_PREFIX": amqp_prefix,
        "PAMTALK_BUS": "amqp",
        "PAMTALK_JWKS_URL": f"http://127.0.0.1:{jwks_port}/jwks.json",
        "PAMTALK_DB_POOL_SIZE": "8",
        "PAMTALK_DB_MAX_OVERFLOW": "0",
        "PAMTALK_LOG_LEVEL": "WARNING",
    }


@dataclass
class Round:
    """One round's server process, a client to it and a connection to its database."""

    server: subprocess.Popen[bytes]
    client: httpx.AsyncClient
    conn: asyncpg.Connection
    schema: str
    concurrency: int
    ok: Collection[int]

    async def post_all(self, requests: list[Request]) -> list[httpx.Response]:
        return await run_all(self.client, requests, self.concurrency, self.ok)

    async def measured(self, requests: list[Request]) -> tuple[list[httpx.Response], float]:
        """The responses to ``requests`` and the server's CPU per request in ms, the relay's
        publishing of their events included (the outbox is drained before and after)."""
        await drained(self.conn, self.schema)
        before = cpu_seconds(self.server.pid)
        responses = await self.post_all(requests)
        await drained(self.conn, self.schema)
        return responses, (cpu_seconds(self.server.pid) - before) * 1000 / len(requests)


@dataclass
class ServiceBench:
    """A service set up for benchmarking: its scratch database, tokens and environment."""

    service: str
    schema: str
    truncated: tuple[str, ...]  # emptied before each round
    ok: Collection[int]  # statuses the measured requests answer
    db: str
    env: dict[str, str]
    tokens: TokenFactory
    args: argparse.Namespace

    @asynccontextmanager
    async def connect(self) -> AsyncIterator[asyncpg.Connection]:
        conn = await asyncpg.connect(f"{PG}/{self.db}")
        try:
            yield conn
        finally:
            await conn.close()

    @asynccontextmanager
    async def round(self, tree: Path) -> AsyncIterator[Round]:
        """A fresh process of ``tree``'s service, ready, on emptied tables."""
        port = self.args.port
        async with self.connect() as conn:
            await conn.execute(f"TRUNCATE {', '.join(f'{self.schema}.{t}' for t in self.truncated)}")
            server = start_server(f"services.{self.service}.app:app", tree, self.env, port)
            base = f"http://127.0.0.1:{port}"
            try:
                await wait_ready(base)
                async with httpx.AsyncClient(base_url=base, timeout=30) as client:
                    yield Round(server, client, conn, self.schema, self.args.c, self.ok)
            finally:
                server.terminate()
                server.wait()


@asynccontextmanager
async def scratch_service(
    args: argparse.Namespace,
    service: str,
    *,
    schema: str,
    truncated: tuple[str, ...],
    ok: Collection[int],
    short: str,
    redis_url: str,
) -> AsyncIterator[ServiceBench]:
    """``service`` on a migrated scratch database ``pamtalk_bench{short}_*`` (dropped at the
    end), AMQP prefix ``bench{short}-``, and a JWKS served on ``args.port + 1``."""
    tokens, db = TokenFactory(), f"pamtalk_bench{short}_{uuid.uuid4().hex[:8]}"
    serve_jwks(tokens, args.port + 1)
    admin = await asyncpg.connect(f"{PG}/postgres")
    await admin.execute(f'CREATE DATABASE "{db}"')
    url = f"postgresql+asyncpg://postgres@127.0.0.1:5432/{db}"
    env = service_env(url, redis_url, f"bench{short}-", args.port + 1)
    try:
        from pamtalk.db.migrations import upgrade

        await asyncio.to_thread(upgrade, service, url)
        yield ServiceBench(service, schema, truncated, ok, db, env, tokens, args)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        await admin.close()


async def alternate(
    trees: list[Path], rounds: int, labels: tuple[str, ...], one_round: Callable[[Path], Awaitable[Figures]]
) -> None:
    """Run ``one_round`` for each tree, ``rounds`` times, the order reversed every other round;
    check every round's answers against the first's and print the figures."""
    results: dict[Path, list[tuple[float, ...]]] = {t: [] for t in trees}
    reference: list[str] | None = None
    for r in range(rounds):
        for tree in trees if r % 2 == 0 else list(reversed(trees)):
            checked, figures = await one_round(tree)
            if reference is None:
                reference = checked
            for expected, got in zip(reference, checked, strict=True):
                assert got == expected, f"{tree} answers differently:\n{got}\nnot\n{expected}"
            results[tree].append(figures)
            shown = ", ".join(f"{label} {ms:.2f}" for label, ms in zip(labels, figures, strict=True))
            print(f"round {r + 1} {tree}: {shown} ms CPU/request", flush=True)
    if reference:
        print(f"answers, rows and events the same for every tree ({len(reference)} compared)")
    for tree, rows in results.items():
        shown = " ".join(
            f"{label} [{', '.join(f'{row[i]:.2f}' for row in rows)}]" for i, label in enumerate(labels)
        )
        print(f"{tree}: {shown} ms CPU/request")
