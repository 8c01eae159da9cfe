"""Benchmark: what one database round trip costs in CPU on this machine, by how many are in
flight at once and by how often they come. The same trivial statement (``SELECT $1::int``)
through an asyncpg pool under uvloop, as the services run; the CPU of this process and of
every PostgreSQL process per statement. Not collected by pytest:

    .venv/bin/python -m tests.kit.bench_round_trip [--url URL] [--socket-dir DIR] [--statements 5000]
    .venv/bin/python -m tests.kit.bench_round_trip --rates 100 400 1600 [--seconds 15]

Back to back (the first form, over TCP and over PostgreSQL's Unix socket): with one statement
in flight, each round trip puts the client to sleep and wakes it, and the server's backend
too: on this 2-core virtual machine that costs more than the statement. With several in
flight, the wake-ups are shared.

Paced (``--rates``): statements sent at a steady rate, each on its own when it is due, as a
service at a modest load sends them - between two, both ends go idle. Each rate is run twice,
once with the statement and once with only the pacing (the timer wake-up that stands for the
request that would have sent the statement); the difference is what the round trip adds.
That is the cost a statement has at the platform's operating point (390 requests a second
make about 1,700 statements a second, spread over the services), and the reason the
platform's CPU per request depends so much on how many round trips a request makes.
"""

from __future__ import annotations

import argparse
import asyncio
import time

import asyncpg
import uvloop

from tests.postgres_cpu import postgres_cpu

STATEMENT = "SELECT $1::int AS a"


async def measure(dsn: str, statements: int, in_flight: int) -> tuple[float, float]:
    """(us of client CPU, us of PostgreSQL CPU) per statement, back to back."""
    pool = await asyncpg.create_pool(dsn, min_size=in_flight, max_size=in_flight)

    async def worker(count: int) -> None:
        for _ in range(count):
            async with pool.acquire() as conn:
                await conn.fetchrow(STATEMENT, 1)

    await worker(200)  # prepared, warm
    server, client = postgres_cpu(), time.process_time()
    await asyncio.gather(*(worker(statements // in_flight) for _ in range(in_flight)))
    used = (time.process_time() - client, postgres_cpu() - server)
    await pool.close()
    return used[0] / statements * 1e6, used[1] / statements * 1e6


async def paced(pool: asyncpg.Pool | None, rate: float, seconds: float) -> tuple[float, float, int]:
    """(client CPU s, PostgreSQL CPU s, statements) of ``rate`` statements a second for
    ``seconds``, each sent when it is due; ``pool`` None: the pacing alone."""

    async def one() -> None:
        if pool is not None:
            async with pool.acquire() as conn:
                await conn.fetchrow(STATEMENT, 1)

    count = int(rate * seconds)
    tasks: set[asyncio.Task[None]] = set()
    server, client = postgres_cpu(), time.process_time()
    start = time.monotonic()
    for i in range(count):
        delay = start + i / rate - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        task = asyncio.create_task(one())
        tasks.add(task)
        task.add_done_callback(tasks.discard)
    await asyncio.gather(*tasks)
    return time.process_time() - client, postgres_cpu() - server, count


async def main_paced(dsn: str, rates: list[float], seconds: float) -> None:
    pool = await asyncpg.create_pool(dsn, min_size=8, max_size=8)
    await paced(pool, 200, 1)  # prepared on every connection, warm
    for rate in rates:
        alone_client, alone_server, _ = await paced(None, rate, seconds)
        client, server, count = await paced(pool, rate, seconds)
        round_trip = (client - alone_client) / count * 1e6, (server - alone_server) / count * 1e6
        print(
            f"{rate:6g} statements/s: client {client / count * 1e6:6.1f} us a statement "
            f"(pacing alone {alone_client / count * 1e6:5.1f}), PostgreSQL "
            f"{server / count * 1e6:6.1f} us; the round trip adds client {round_trip[0]:6.1f} + "
            f"PostgreSQL {round_trip[1]:6.1f} = {sum(round_trip):6.1f} us"
        )
    await pool.close()


async def main(url: str, socket_dir: str, database: str, statements: int) -> None:
    for in_flight in (1, 8):
        for name, dsn in (("tcp", url), ("unix", f"postgresql://postgres@/{database}?host={socket_dir}")):
            client, server = await measure(dsn, statements, in_flight)
            shown = f"client {client:6.1f} us, PostgreSQL {server:6.1f} us a statement"
            print(f"{name:<5} {in_flight} in flight: {shown}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--url", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--socket-dir", default="/var/run/postgresql")
    parser.add_argument("--database", default="test")
    parser.add_argument("--statements", type=int, default=5000)
    parser.add_argument("--rates", type=float, nargs="+", help="paced: statements a second")
    parser.add_argument("--seconds", type=float, default=15, help="paced: seconds at each rate")
    args = parser.parse_args()
    if args.rates:
        uvloop.run(main_paced(args.url, args.rates, args.seconds))
    else:
        uvloop.run(main(args.url, args.socket_dir, args.database, args.statements))
