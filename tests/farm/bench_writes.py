"""CPU per request of the farm service's hot writes, in its own process: registering a farm
(``POST /api/v1/farms``) and submitting ESG data for it (``POST /api/v1/farms/{id}/esg``),
the relay's publishing included (the outbox is drained before each reading). Trees of the
code (e.g. an export of the previous commit and the working tree) run in turn, alternated,
each round on a fresh server process. Each round first answers a fixed set of requests
(registrations, edits, status changes, reads and submissions; success and problem
responses) whose bodies, headers, stored rows and events must be the same for every tree,
ids and times aside.

    .venv/bin/python -m tests.farm.bench_writes --trees /tmp/farmold,. --rounds 3 --n 1500

Own database (created, dropped at the end), Redis db 11, AMQP prefix ``benchfarm-``, ports
16xxx; the JWKS is served by this script (tokens signed as the user service does). The
service process, outbox drain and CPU reading are tests/bench_service.py's."""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import uuid
from contextlib import AbstractAsyncContextManager
from pathlib import Path

import asyncpg
import httpx

from tests.bench_service import Figures, Request, ServiceBench, alternate, bench_args, scratch_service
from tests.conftest import TokenFactory
from tests.farm.support import esg_body, farm_body

FARMS = "/api/v1/farms"
SCHEMA = "farm_svc"
# What differs between two runs of the same requests: ids (uuids, request ids), ETags that
# hash a body holding them, and times.
VOLATILE = re.compile(
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\b[0-9a-f]{32}\b|\b[0-9a-f]{24}\b"
    r"|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)"
)
SHOWN_HEADERS = ("content-type", "location", "etag", "cache-control", "vary")


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
    farm = f"{FARMS}/{farm_id}"
    seen += [
        await client.patch(farm, json={"name": "Edited", "address": None, "size_ha": 7}, headers=mine),
        await client.patch(farm, json={"name": "Edited"}, headers=mine),  # nothing changes
        await client.patch(farm, json={"name": "Stale"}, headers={**mine, "If-Match": '"v1"'}),
        await client.patch(farm, json={"name": "Not mine"}, headers=other),
        await client.patch(farm, json={"size_ha": 0}, headers=mine),
        await client.post(f"{farm}/deactivate", headers=mine),
        await client.post(f"{farm}/deactivate", headers=mine),
        await client.get(farm, headers=mine),
        await client.get(farm),
        await client.post(f"{farm}/activate", headers=mine),
        await client.get(farm),
        await client.get(FARMS, params={"mine": "true"}, headers=mine),
    ]
    await client.post(f"{FARMS}/{farm_id}/suspend", headers=tokens.headers("admin"))
    seen.append(await client.post(esg, json=esg_body(), headers=mine))
    seen.append(await client.post(esg, json=esg_body(), headers=other))
    seen.append(await client.post(f"{farm}/activate", headers=mine))
    seen.append(await client.get(f"{esg}", headers=mine))
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


async def one_round(bench: ServiceBench, tree: Path) -> Figures:
    tokens = bench.tokens
    async with bench.round(tree) as run:
        checked = await answers(run.client, run.conn, tokens)
        owners = [uuid.uuid4() for _ in range(8)]
        farmers = [tokens.headers("farmer", owner) for owner in owners]

        def registrations(n: int) -> list[Request]:
            return [(FARMS, farmers[i % 8], farm_body(name=f"Bench farm {i}")) for i in range(n)]

        def submissions(made: list[httpx.Response]) -> list[Request]:
            owner_of = {str(owner): headers for owner, headers in zip(owners, farmers, strict=True)}
            farms = [r.json() for r in made]
            return [(f"{FARMS}/{farm['id']}/esg", owner_of[farm["owner_id"]], esg_body()) for farm in farms]

        await run.post_all(submissions(await run.post_all(registrations(200))))  # warm-up
        made, register = await run.measured(registrations(bench.args.n))
        _, submit = await run.measured(submissions(made))
    return checked, (register, submit)


def farm_service(
    args: argparse.Namespace, short: str, ok: tuple[int, ...]
) -> AbstractAsyncContextManager[ServiceBench]:
    """The farm service on a scratch database (``pamtalk_bench{short}_*``), Redis db 11."""
    return scratch_service(
        args,
        "farm",
        schema=SCHEMA,
        truncated=("farms", "esg_submissions", "outbox"),
        ok=ok,
        short=short,
        redis_url="redis://127.0.0.1:6379/11",
    )


async def main() -> None:
    args = bench_args(__doc__, "/tmp/farmold,.", 16580)
    async with farm_service(args, "farm", (201, 202)) as bench:
        await alternate(args.trees, args.rounds, ("register", "esg"), lambda tree: one_round(bench, tree))


if __name__ == "__main__":
    asyncio.run(main())
