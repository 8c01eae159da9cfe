"""CPU per request of the farm service's hot writes, in its own process: registering a farm
(``POST /api/v1/farms``) and submitting ESG data for it (``POST /api/v1/farms/{id}/esg``),
the relay's publishing included (the outbox is drained before each reading). Trees of the
code (e.g. an export of the previous commit and the working tree) run in turn, alternated,
each round on a fresh server process. Each round first answers a fixed set of requests
(success and problem responses) whose bodies, headers, stored rows and events must be the
same for every tree, ids and times aside.

    .venv/bin/python -m tests.farm.bench_writes --trees /tmp/farmold,. --rounds 3 --n 1500

Own database (created, dropped at the end), Redis db 11, AMQP prefix ``benchfarm-``, ports
16xxx; the JWKS is served by this script (tokens signed as the user service does)."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from tests.conftest import TokenFactory
from tests.farm.support import esg_body, farm_body
from tests.prediction.bench_serving import wait_ready
from tests.transaction.bench_trades import PG, cpu_seconds, serve_jwks

FARMS = "/api/v1/farms"
SCHEMA = "farm_svc"
# What differs between two runs of the same requests: ids (uuids, request ids) and times.
VOLATILE = re.compile(
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\b[0-9a-f]{32}\b"
    r"|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)"
)
SHOWN_HEADERS = ("content-type", "location", "etag", "cache-control")
Request = tuple[str, dict[str, str], Any]


def start_server(tree: Path, env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    """The farm service of ``tree``'s code (its own folder first on the path)."""
    cmd = [sys.executable, "-m", "uvicorn", "services.farm.app:app", "--host", "127.0.0.1"]
    cmd += ["--port", str(port), "--no-access-log"]
    return subprocess.Popen(cmd, cwd=tree, env={**env, "PYTHONPATH": str(tree)})


async def drained(conn: asyncpg.Connection) -> None:
    """Wait until the relay has published every event (its work is part of the request's)."""
    unpublished = f"SELECT count(*) FROM {SCHEMA}.outbox WHERE published_at IS NULL"
    for _ in range(600):
        if not await conn.fetchval(unpublished):
            break
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.3)  # the relay's commit after its last batch


async def run_all(
    client: httpx.AsyncClient, requests: list[Request], concurrency: int
) -> list[httpx.Response]:
    queue = list(reversed(requests))
    out: list[httpx.Response] = []

    async def worker() -> None:
        while queue:
            url, headers, body = queue.pop()
            response = await client.post(url, headers=headers, json=body)
            assert response.status_code in (201, 202), response.text
            out.append(response)

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return out


def shown(response: httpx.Response) -> str:
    headers = {name: response.headers[name] for name in SHOWN_HEADERS if name in response.headers}
    return VOLATILE.sub("<id|time>", f"{response.status_code} {headers} {response.text}")


async def answers(client: httpx.AsyncClient, conn: asyncpg.Connection, tokens: TokenFactory) -> list[str]:
    """The fixed requests' responses, the rows they stored and the events they queued."""
    owner = uuid.uuid4()
    mine, other = tokens.headers("farmer", owner), tokens.headers("farmer")
    bare = farm_body(address=None, wallet_address=None, certifications=[])
    seen: list[httpx.Response] = [
        await client.post(FARMS, json=farm_body(), headers=mine),
        await client.post(FARMS, json=bare, headers=mine),
        await client.post(FARMS, json=farm_body(name="Nul \x00 farm"), headers=mine),
        await client.post(FARMS, json=farm_body(size_ha=0), headers=mine),
        await client.post(FARMS, json=farm_body(), headers=tokens.headers("consumer")),
        await client.post(FARMS, json=farm_body()),
    ]
    farm_id = seen[0].json()["id"]
    esg = f"{FARMS}/{farm_id}/esg"
    seen += [
        await client.post(esg, json=esg_body(), headers=mine),
        await client.post(esg, json=esg_body(carbon_emissions=1e-7), headers=mine),
        await client.post(esg, json=esg_body(), headers=other),
        await client.post(esg, json=esg_body(), headers=tokens.headers("admin")),
        await client.post(f"{FARMS}/{uuid.uuid4()}/esg", json=esg_body(), headers=mine),
        await client.post(esg, json=esg_body(soil_health_score=11), headers=mine),
    ]
    await client.post(f"{FARMS}/{farm_id}/suspend", headers=tokens.headers("admin"))
    seen.append(await client.post(esg, json=esg_body(), headers=mine))
    seen.append(await client.post(esg, json=esg_body(), headers=other))
    rows = await conn.fetch(
        f"SELECT to_jsonb(f) - 'id' - 'owner_id' - 'created_at' - 'updated_at' AS row "
        f"FROM {SCHEMA}.farms f WHERE owner_id = $1 ORDER BY id",
        owner,
    )
    rows += await conn.fetch(
        f"SELECT data::text, assessment::text FROM {SCHEMA}.esg_submissions WHERE farm_id = $1 ORDER BY id",
        uuid.UUID(farm_id),
    )
    events = await conn.fetch(
        f"SELECT routing_key, envelope->'data' AS data, envelope->>'producer' AS producer "
        f"FROM {SCHEMA}.outbox WHERE envelope->'data'->>'owner_id' = $1 ORDER BY id",
        str(owner),
    )
    stored = [VOLATILE.sub("<id|time>", json.dumps(dict(row), sort_keys=True)) for row in [*rows, *events]]
    return [shown(response) for response in seen] + stored


async def one_round(
    tree: Path, env: dict[str, str], port: int, args: argparse.Namespace
) -> tuple[list[str], float, float]:
    tokens: TokenFactory = args.tokens
    conn = await asyncpg.connect(f"{PG}/{args.db}")
    await conn.execute(f"TRUNCATE {SCHEMA}.farms, {SCHEMA}.esg_submissions, {SCHEMA}.outbox")
    server = start_server(tree, env, port)
    base = f"http://127.0.0.1:{port}"
    try:
        await wait_ready(base)
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            checked = await answers(client, conn, tokens)
            owners = [uuid.uuid4() for _ in range(8)]
            farmers = [tokens.headers("farmer", owner) for owner in owners]

            def registrations(n: int) -> list[Request]:
                return [(FARMS, farmers[i % 8], farm_body(name=f"Bench farm {i}")) for i in range(n)]

            def submissions(made: list[httpx.Response]) -> list[Request]:
                owner_of = {str(owner): headers for owner, headers in zip(owners, farmers, strict=True)}
                farms = [r.json() for r in made]
                return [
                    (f"{FARMS}/{farm['id']}/esg", owner_of[farm["owner_id"]], esg_body()) for farm in farms
                ]

            warm = await run_all(client, registrations(200), args.c)
            await run_all(client, submissions(warm), args.c)
            await drained(conn)
            before = cpu_seconds(server.pid)
            made = await run_all(client, registrations(args.n), args.c)
            await drained(conn)
            middle = cpu_seconds(server.pid)
            await run_all(client, submissions(made), args.c)
            await drained(conn)
            after = cpu_seconds(server.pid)
    finally:
        server.terminate()
        server.wait()
        await conn.close()
    return checked, (middle - before) * 1000 / args.n, (after - middle) * 1000 / args.n


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--trees", default="/tmp/farmold,.", type=lambda spec: [Path(t).resolve() for t in spec.split(",")]
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--n", type=int, default=1500)
    parser.add_argument("-c", type=int, default=8)
    parser.add_argument("--port", type=int, default=16580)
    args = parser.parse_args()
    args.tokens, args.db = TokenFactory(), f"pamtalk_benchfarm_{uuid.uuid4().hex[:8]}"
    serve_jwks(args.tokens, args.port + 1)
    admin = await asyncpg.connect(f"{PG}/postgres")
    await admin.execute(f'CREATE DATABASE "{args.db}"')
    url = f"postgresql+asyncpg://postgres@127.0.0.1:5432/{args.db}"
    env = {
        **os.environ,
        "PAMTALK_DATABASE_URL": url,
        "PAMTALK_REDIS_URL": "redis://127.0.0.1:6379/11",
        "PAMTALK_AMQP_PREFIX": "benchfarm-",
        "PAMTALK_BUS": "amqp",
        "PAMTALK_JWKS_URL": f"http://127.0.0.1:{args.port + 1}/jwks.json",
        "PAMTALK_DB_POOL_SIZE": "8",
        "PAMTALK_DB_MAX_OVERFLOW": "0",
        "PAMTALK_LOG_LEVEL": "WARNING",
    }
    try:
        from pamtalk.db.migrations import upgrade

        await asyncio.to_thread(upgrade, "farm", url)
        trees = args.trees
        results: dict[Path, list[tuple[float, float]]] = {t: [] for t in trees}
        reference: list[str] | None = None
        for r in range(args.rounds):
            for tree in trees if r % 2 == 0 else list(reversed(trees)):
                checked, register, submit = await one_round(tree, env, args.port, args)
                if reference is None:
                    reference = checked
                for expected, got in zip(reference, checked, strict=True):
                    assert got == expected, f"{tree} answers differently:\n{got}\nnot\n{expected}"
                results[tree].append((register, submit))
                print(f"round {r + 1} {tree}: register {register:.2f}, esg {submit:.2f} ms CPU/request")
        print(f"answers, rows and events the same for every tree ({len(reference or [])} compared)")
        for tree, rows in results.items():
            registers = ", ".join(f"{c:.2f}" for c, _ in rows)
            submits = ", ".join(f"{c:.2f}" for _, c in rows)
            print(f"{tree}: register [{registers}] esg [{submits}] ms CPU/request")
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{args.db}" WITH (FORCE)')
        await admin.close()


if __name__ == "__main__":
    asyncio.run(main())
