"""CPU per request of the farm service's hot reads, in its own process (not collected by
pytest): a farm's page (``GET /api/v1/farms/{id}``), "my farms" (``mine=true``: never cached,
always the database) and public list pages that miss the Redis cache (each query a new one:
a region's page, and "near me"). Trees of the code (e.g. an export of the previous
commit and the working tree) run in turn, alternated, each round on a fresh server process
holding the same farms; each round's answers to a fixed set of reads must be the same for
every tree, ids and times aside.

    .venv/bin/python -m tests.farm.bench_reads --trees /tmp/farmold,. --rounds 3 --n 1500

Own database (created, dropped at the end), Redis db 11, AMQP prefix ``benchfarmr-``, ports
166xx (tests/bench_service.py runs the service and reads its CPU)."""

from __future__ import annotations

import asyncio
import itertools
import uuid
from pathlib import Path

import httpx

from pamtalk.pagination import encode_cursor
from tests.bench_service import Figures, ServiceBench, alternate, bench_args, cpu_seconds
from tests.farm.bench_writes import FARMS, farm_service, shown
from tests.farm.support import farm_body
from tests.farm.test_farm_list import CITY_HALL

Get = tuple[str, dict[str, str], dict[str, str]]  # url, headers, query
REGIONS = ("Seoul", "Gyeonggi", "Jeonnam", "Jeju")
CROPS = ("tomatoes", "cabbage", "rice", "lettuce", "carrots")
NEAR = f"{CITY_HALL[0]},{CITY_HALL[1]}"


async def get_all(client: httpx.AsyncClient, gets: list[Get], concurrency: int) -> list[httpx.Response]:
    """``gets`` answered, ``concurrency`` at a time; each must be a 200."""
    slots = asyncio.Semaphore(concurrency)

    async def one(url: str, headers: dict[str, str], params: dict[str, str]) -> httpx.Response:
        async with slots:
            response = await client.get(url, headers=headers, params=params)
        assert response.status_code == 200, response.text
        return response

    return list(await asyncio.gather(*(one(*get) for get in gets)))


async def one_round(bench: ServiceBench, tree: Path) -> Figures:
    tokens, n, c = bench.tokens, bench.args.n, bench.args.c
    async with bench.round(tree) as run:
        owners = [uuid.uuid4() for _ in range(4)]
        mine = [tokens.headers("farmer", owner) for owner in owners]
        spots = itertools.cycle([(37.55, 126.97), (37.27, 127.01), (34.82, 126.89), (33.45, 126.56)])
        made = []
        for i in range(160):  # 40 farms of each owner, in four regions around their centres
            lat, lon = next(spots)
            body = farm_body(
                name=f"Bench farm {i}",
                region=REGIONS[i % 4],
                latitude=lat + (i % 7) * 0.01,
                longitude=lon + (i % 5) * 0.01,
                crops=[CROPS[i % 5], CROPS[(i + 2) % 5]],
            )
            made.append(await run.client.post(FARMS, json=body, headers=mine[i % 4]))
        ids = [response.json()["id"] for response in made]
        checked = [
            shown(response)
            for response in await get_all(
                run.client,
                [
                    (f"{FARMS}/{ids[0]}", {}, {}),
                    (FARMS, {}, {"region": "Jeju", "crop": "rice", "limit": "100"}),
                    (FARMS, {}, {"near": NEAR, "radius_km": "30", "limit": "100"}),
                    (FARMS, mine[0], {"mine": "true", "limit": "100"}),
                ],
                1,
            )
        ]
        pages: list[Get] = [(f"{FARMS}/{ids[i % len(ids)]}", {}, {}) for i in range(n)]
        own: list[Get] = [(FARMS, mine[i % 4], {"mine": "true"}) for i in range(n)]
        # Every query a new one (a cursor before every farm), so a cache miss, of a full page.
        misses: list[Get] = [
            (FARMS, {}, {"region": REGIONS[i % 4], "cursor": encode_cursor(uuid.UUID(int=i + 1))})
            for i in range(n)
        ]
        near: list[Get] = [
            (FARMS, {}, {"near": f"{CITY_HALL[0] + i * 1e-6:.7f},{CITY_HALL[1]}", "radius_km": "25"})
            for i in range(n)
        ]
        await get_all(run.client, pages[:200] + own[:200] + misses[-200:] + near[-200:], c)  # warm-up
        figures = []
        for gets in (pages, own, misses[:-200], near[:-200]):
            before = cpu_seconds(run.server.pid)
            await get_all(run.client, gets, c)
            figures.append((cpu_seconds(run.server.pid) - before) * 1000 / len(gets))
    return checked, tuple(figures)


async def main() -> None:
    args = bench_args(__doc__, "/tmp/farmold,.", 16680)
    async with farm_service(args, "farmr", (200, 201)) as bench:
        labels = ("page", "mine", "list miss", "near miss")
        await alternate(args.trees, args.rounds, labels, lambda tree: one_round(bench, tree))


if __name__ == "__main__":
    asyncio.run(main())
