"""Schemathesis over the transaction API: no 5xx, every response as documented, for a
buyer, a farmer and an admin (so the role-specific paths are reached too)."""

from __future__ import annotations

import asyncio
import uuid

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pamtalk.bus.memory import MemoryBus
from pamtalk.cache import make_redis
from pamtalk.db.database import Database
from pamtalk.runtime import Shared
from services.transaction.app import create_app
from services.transaction.store import farms
from tests.conftest import TokenFactory, migrate
from tests.fuzz import CHECKS, fuzz_api
from tests.live_server import live_server
from tests.transaction.support import farm_snapshot

pytestmark = [pytest.mark.integration, pytest.mark.slow]


async def test_transaction_api_holds_under_fuzzing(
    database_url: str, redis_url: str, tokens: TokenFactory
) -> None:
    await migrate("transaction", database_url)
    db = Database(database_url, "transaction_svc")
    farmer, farm_id = uuid.uuid4(), uuid.uuid4()
    async with db.write() as tx:  # a farm to trade with, so creation can succeed too
        crops = ["tomatoes", "rice", "cabbage", "lettuce", "carrots"]
        row = farms.snapshot_row(farm_snapshot(farm_id, farmer, name="Fuzz farm", region="Jeju"), crops)
        event_id = uuid.uuid4()  # as if its event had been claimed
        await farms.APPLY.write(tx, [{**row, "event_id": event_id, "n": 0}], [event_id], None)
    await db.close()
    shared = Shared(
        bus=MemoryBus(), redis=make_redis(redis_url), jwks_fetcher=tokens.fetch, database_url=database_url
    )
    app = create_app(shared=shared, env="test")

    def run() -> list[str]:
        failures = []
        with live_server(app) as base_url:
            for role, user_id in (("consumer", None), ("farmer", farmer), ("admin", None)):
                found = fuzz_api(base_url, tokens.headers(role, user_id), max_examples=15)
                failures += [f"[{role}] {failure}" for failure in found]
            buyer, seller = tokens.headers("company"), tokens.headers("farmer", farmer)
            failures += fuzz_real_trades(base_url, farm_id, buyer, seller)
        return failures

    failures = await asyncio.to_thread(run)
    assert not failures, "\n".join(failures)


def fuzz_real_trades(
    base_url: str, farm_id: uuid.UUID, buyer: dict[str, str], farmer: dict[str, str]
) -> list[str]:
    """Generated creation bodies aimed at the known farm (so valid ones reach the database),
    then generated moves of the trades they opened, by their buyer and their farmer."""
    schema = schemathesis.openapi.from_url(f"{base_url}/openapi.json")
    created: list[str] = []
    failures: list[str] = []

    def aim(case: schemathesis.Case) -> schemathesis.Case:
        if isinstance(case.body, dict) and "farm_id" in case.body:
            case.body["farm_id"] = str(farm_id)
        return case

    def on_real_trade(case: schemathesis.Case) -> st.SearchStrategy[schemathesis.Case]:
        def put(trade_id: str) -> schemathesis.Case:
            case.path_parameters = {**(case.path_parameters or {}), "trade_id": trade_id}
            return case

        return st.sampled_from(created).map(put)

    def check(path: str, method: str, strategy: st.SearchStrategy, headers: dict[str, str], n: int) -> None:
        @settings(max_examples=n, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        @given(case=strategy)
        def run(case: schemathesis.Case) -> None:
            response = case.call_and_validate(base_url=base_url, headers=headers, checks=CHECKS)
            if response.status_code == 201:
                created.append(response.json()["id"])

        try:
            run()
        except Exception as exc:
            failures.append(f"{method} {path} (real trades): {exc}")

    create = schema["/api/v1/transactions"]["POST"]
    check("/api/v1/transactions", "POST", create.as_strategy().map(aim), buyer, 40)
    if not created:
        return [*failures, "no generated body opened a trade"]
    for verb in ("confirm", "settle", "cancel", "review"):
        path = f"/api/v1/transactions/{{trade_id}}/{verb}"
        strategy = schema[path]["POST"].as_strategy().flatmap(on_real_trade)
        for headers in (farmer, buyer):
            check(path, "POST", strategy, headers, 10)
    get = schema["/api/v1/transactions/{trade_id}"]["GET"].as_strategy().flatmap(on_real_trade)
    check("/api/v1/transactions/{trade_id}", "GET", get, buyer, 10)
    return failures
