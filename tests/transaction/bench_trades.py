"""CPU per request of the transaction service's hot writes, in its own process: opening a
trade with ``Idempotency-Key`` (relay included: the outbox is drained before the reading),
confirming each trade, and opening a trade without a key. Trees of the code (e.g. an export
of the previous commit and the working tree) are run in turn, alternated, each round on a
fresh server process.

    .venv/bin/python -m tests.transaction.bench_trades --trees /tmp/oldtree,. --rounds 3 --n 1500

Own database (created, dropped at the end), the Redis of ``PAMTALK_TEST_REDIS_URL`` (db 13
without it), AMQP prefix ``benchtx-``, ports 16xxx (``--port``); the JWKS is served by this
script (tokens signed as the user service does). The service process, outbox drain and CPU
reading are tests/bench_service.py's. Trees whose migrations differ need a database each:
run the script once per tree, from the tree, alternating by hand."""

from __future__ import annotations

import asyncio
import os
import uuid
from datetime import UTC, datetime
from pathlib import Path

import httpx

from tests.bench_service import Figures, Request, ServiceBench, alternate, bench_args, scratch_service

FARM = (
    "INSERT INTO transaction_svc.farms (farm_id, owner_id, name, region, latitude, longitude, "
    "size_ha, crops, certifications, status, wallet_address, esg_score, esg_grade, updated_at) "
    "VALUES ($1, $2, 'Bench farm', 'Jeju', 33.4, 126.5, 3, '{tomatoes,rice}', '{}', 'active', "
    "'0xabc', 71.5, 'B', $3)"
)


async def one_round(bench: ServiceBench, tree: Path, farm: uuid.UUID, farmer: uuid.UUID) -> Figures:
    tokens = bench.tokens
    async with bench.round(tree) as run:
        farmer_h = {"Authorization": f"Bearer {tokens('farmer', farmer)}"}
        buyers = [{"Authorization": f"Bearer {tokens('consumer')}"} for _ in range(8)]

        def creates(n: int, keyed: bool = True) -> list[Request]:
            body = {"farm_id": str(farm), "crop": "tomatoes", "quantity": "12.5", "unit_price": "25"}
            return [
                (
                    "/api/v1/transactions",
                    {**buyers[i % 8], **({"Idempotency-Key": uuid.uuid4().hex} if keyed else {})},
                    body,
                )
                for i in range(n)
            ]

        def confirms(opened: list[httpx.Response]) -> list[Request]:
            return [(f"/api/v1/transactions/{r.json()['id']}/confirm", farmer_h, None) for r in opened]

        await run.post_all(confirms(await run.post_all(creates(200))))  # warm-up
        opened, create = await run.measured(creates(bench.args.n))
        _, confirm = await run.measured(confirms(opened))
        _, create_unkeyed = await run.measured(creates(bench.args.n, keyed=False))
    return [], (create, confirm, create_unkeyed)


async def main() -> None:
    args = bench_args(__doc__, "/tmp/oldtree,.", 16480)
    farm, farmer = uuid.uuid4(), uuid.uuid4()
    transaction = scratch_service(
        args,
        "transaction",
        schema="transaction_svc",
        truncated=("transactions", "idempotency_keys", "outbox"),
        ok=(200, 201),
        short="tx",
        redis_url=os.environ.get("PAMTALK_TEST_REDIS_URL", "redis://127.0.0.1:6379/13"),
    )
    async with transaction as bench:
        async with bench.connect() as conn:
            await conn.execute(FARM, farm, farmer, datetime.now(UTC))
        await alternate(
            args.trees,
            args.rounds,
            ("create", "confirm", "create (no key)"),
            lambda tree: one_round(bench, tree, farm, farmer),
        )


if __name__ == "__main__":
    asyncio.run(main())
