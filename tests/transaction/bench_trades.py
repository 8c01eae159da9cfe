"""CPU per request of the transaction service's hot writes, in its own process: opening a
trade with ``Idempotency-Key`` (relay included: the outbox is drained before the reading),
then confirming each trade. Trees of the code (e.g. an export of the previous commit and
the working tree) are run in turn, alternated, each round on a fresh server process.

    .venv/bin/python -m tests.transaction.bench_trades --trees /tmp/oldtree,. --rounds 3 --n 1500

Own database (created, dropped at the end), Redis db 13, AMQP prefix ``benchtx-``, ports
16xxx; the JWKS is served by this script (tokens signed as the user service does)."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import threading
import uuid
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import asyncpg
import httpx

from tests.conftest import TokenFactory
from tests.prediction.bench_serving import wait_ready

PG = "postgresql://postgres@127.0.0.1:5432"
TRUNCATED = ("transactions", "idempotency_keys", "outbox")
FARM = (
    "INSERT INTO transaction_svc.farms (farm_id, owner_id, name, region, latitude, longitude, "
    "size_ha, crops, certifications, status, wallet_address, esg_score, esg_grade, updated_at) "
    "VALUES ($1, $2, 'Bench farm', 'Jeju', 33.4, 126.5, 3, '{tomatoes,rice}', '{}', 'active', "
    "'0xabc', 71.5, 'B', $3)"
)
TICK = os.sysconf("SC_CLK_TCK")


def serve_jwks(tokens: TokenFactory, port: int) -> None:
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


async def drained(conn: asyncpg.Connection) -> None:
    """Wait until the relay has published every event (its work is part of the request's)."""
    unpublished = "SELECT count(*) FROM transaction_svc.outbox WHERE published_at IS NULL"
    for _ in range(600):
        if not await conn.fetchval(unpublished):
            break
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.3)  # the relay's commit after its last batch


async def run_all(
    client: httpx.AsyncClient, requests: list[tuple[str, dict[str, str], object]], concurrency: int
) -> list[httpx.Response]:
    queue = list(reversed(requests))
    out: list[httpx.Response] = []

    async def worker() -> None:
        while queue:
            url, headers, body = queue.pop()
            response = await client.post(url, headers=headers, json=body)
            assert response.status_code in (200, 201), response.text
            out.append(response)

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return out


def start_server(tree: Path, env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    """The service of ``tree``'s code (its own folder first on the path)."""
    cmd = [sys.executable, "-m", "uvicorn", "services.transaction.app:app", "--host", "127.0.0.1"]
    cmd += ["--port", str(port), "--no-access-log"]
    return subprocess.Popen(cmd, cwd=tree, env={**env, "PYTHONPATH": str(tree)})


async def one_round(
    tree: Path, env: dict[str, str], port: int, args: argparse.Namespace
) -> tuple[float, float]:
    tokens: TokenFactory = args.tokens
    conn = await asyncpg.connect(f"{PG}/{args.db}")
    await conn.execute(f"TRUNCATE {', '.join(f'transaction_svc.{t}' for t in TRUNCATED)}")
    server = start_server(tree, env, port)
    base = f"http://127.0.0.1:{port}"
    try:
        await wait_ready(base)
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            farmer_h = {"Authorization": f"Bearer {tokens('farmer', args.farmer)}"}
            buyers = [{"Authorization": f"Bearer {tokens('consumer')}"} for _ in range(8)]

            def creates(n: int) -> list[tuple[str, dict[str, str], object]]:
                body = {"farm_id": str(args.farm), "crop": "tomatoes", "quantity": "12.5", "unit_price": "25"}
                return [
                    ("/api/v1/transactions", {**buyers[i % 8], "Idempotency-Key": uuid.uuid4().hex}, body)
                    for i in range(n)
                ]

            def confirms(opened: list[httpx.Response]) -> list[tuple[str, dict[str, str], object]]:
                return [(f"/api/v1/transactions/{r.json()['id']}/confirm", farmer_h, None) for r in opened]

            await run_all(client, confirms(await run_all(client, creates(200), args.c)), args.c)  # warm-up
            await drained(conn)
            before = cpu_seconds(server.pid)
            opened = await run_all(client, creates(args.n), args.c)
            await drained(conn)
            middle = cpu_seconds(server.pid)
            await run_all(client, confirms(opened), args.c)
            await drained(conn)
            after = cpu_seconds(server.pid)
    finally:
        server.terminate()
        server.wait()
        await conn.close()
    return (middle - before) * 1000 / args.n, (after - middle) * 1000 / args.n


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--trees", default="/tmp/oldtree,.", type=lambda spec: [Path(t).resolve() for t in spec.split(",")]
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--n", type=int, default=1500)
    parser.add_argument("-c", type=int, default=8)
    parser.add_argument("--port", type=int, default=16480)
    args = parser.parse_args()
    args.tokens, args.db = TokenFactory(), f"pamtalk_benchtx_{uuid.uuid4().hex[:8]}"
    args.farm, args.farmer = uuid.uuid4(), uuid.uuid4()
    serve_jwks(args.tokens, args.port + 1)
    admin = await asyncpg.connect(f"{PG}/postgres")
    await admin.execute(f'CREATE DATABASE "{args.db}"')
    url = f"postgresql+asyncpg://postgres@127.0.0.1:5432/{args.db}"
    env = {
        **os.environ,
        "PAMTALK_DATABASE_URL": url,
        "PAMTALK_REDIS_URL": "redis://127.0.0.1:6379/13",
        "PAMTALK_AMQP_PREFIX": "benchtx-",
        "PAMTALK_BUS": "amqp",
        "PAMTALK_JWKS_URL": f"http://127.0.0.1:{args.port + 1}/jwks.json",
        "PAMTALK_DB_POOL_SIZE": "8",
        "PAMTALK_DB_MAX_OVERFLOW": "0",
        "PAMTALK_LOG_LEVEL": "WARNING",
    }
    try:
        from pamtalk.db.migrations import upgrade

        await asyncio.to_thread(upgrade, "transaction", url)
        conn = await asyncpg.connect(f"{PG}/{args.db}")
        await conn.execute(FARM, args.farm, args.farmer, datetime.now(UTC))
        await conn.close()
        trees = args.trees
        results: dict[Path, list[tuple[float, float]]] = {t: [] for t in trees}
        for r in range(args.rounds):
            for tree in trees if r % 2 == 0 else list(reversed(trees)):
                create, confirm = await one_round(tree, env, args.port, args)
                results[tree].append((create, confirm))
                print(f"round {r + 1} {tree}: create {create:.2f}, confirm {confirm:.2f} ms CPU/request")
        for tree, rows in results.items():
            creates = ", ".join(f"{c:.2f}" for c, _ in rows)
            confirms = ", ".join(f"{c:.2f}" for _, c in rows)
            print(f"{tree}: create [{creates}] confirm [{confirms}] ms CPU/request")
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{args.db}" WITH (FORCE)')
        await admin.close()


if __name__ == "__main__":
    asyncio.run(main())
