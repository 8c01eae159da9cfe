"""Benchmark: what one database round trip costs in CPU on this machine, by how many are in
flight at once. The same trivial statement (``SELECT $1::int``) through an asyncpg pool under
uvloop, as the services run, over TCP and over PostgreSQL's Unix socket; the CPU of this
process and of every PostgreSQL process per statement. Not collected by pytest:

    .venv/bin/python -m tests.kit.bench_round_trip [--url URL] [--socket-dir DIR] [--statements 5000]

With one statement in flight, each round trip puts the client to sleep and wakes it, and the
server's backend too: on this 2-core virtual machine that costs more than the statement.
With several in flight, the wake-ups are shared. That is why the platform's CPU per request
depends so much on how many round trips a request makes, and falls as the rate rises.
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
    """(us of client CPU, us of PostgreSQL CPU) per statement."""
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
    args = parser.parse_args()
    uvloop.run(main(args.url, args.socket_dir, args.database, args.statements))
