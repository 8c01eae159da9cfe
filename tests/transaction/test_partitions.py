"""``transactions`` is partitioned by month: trades land in their month's partition, queries
by time (and by id, whose UUIDv7 carries the time) touch only the partitions they need, the
service keeps partitions ahead, and a trade outside them waits in DEFAULT until its month
gets a partition."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from fastapi import FastAPI

from pamtalk.db.statements import sql
from services.transaction.ids import created_at_of, new_trade_id, to_millisecond
from services.transaction.store.partitions import add_months, ensure_partitions, month_of, partition_name
from tests.transaction.conftest import Api
from tests.transaction.support import API, User, open_trade, set_clock

pytestmark = pytest.mark.integration


async def rows(app: FastAPI, statement: str, **params: object) -> list:
    async with app.state.runtime.db.read() as read:
        return [tuple(row) for row in await read.fetch(sql(statement), **params)]


async def partition_of(app: FastAPI, trade_id: str) -> str:
    [(name,)] = await rows(
        app, "SELECT tableoid::regclass::text FROM transactions WHERE id = :id", id=uuid.UUID(trade_id)
    )
    return str(name).rsplit(".", 1)[-1]


async def scanned(app: FastAPI, query: str, **params: object) -> set[str]:
    plan = "\n".join(row[0] for row in await rows(app, "EXPLAIN " + query, **params))
    return set(re.findall(r"\bon (transactions_\w+)", plan))


def mid_month(month: date) -> datetime:
    return datetime(month.year, month.month, 15, 12, tzinfo=UTC)


async def test_trades_of_three_months_land_in_three_partitions(
    trade_api: Api, farm: str, buyer: User
) -> None:
    client, app = trade_api
    this_month = month_of(datetime.now(UTC))
    months = [add_months(this_month, n) for n in (-1, 0, 1)]
    ids = []
    try:
        for month in months:
            set_clock(app, mid_month(month))
            ids.append((await open_trade(client, buyer, farm))["id"])
    finally:
        set_clock(app, None)
    assert [await partition_of(app, i) for i in ids] == [partition_name(m) for m in months]
    for trade_id in ids:  # found by id alone, from the month its id carries
        assert (await client.get(f"{API}/{trade_id}", headers=buyer.headers)).status_code == 200


async def test_queries_by_time_and_by_id_touch_only_the_partitions_they_need(trade_api: Api) -> None:
    _, app = trade_api
    month = month_of(datetime.now(UTC))
    start, end = (
        mid_month(month).replace(day=1, hour=0),
        mid_month(add_months(month, 1)).replace(day=1, hour=0),
    )
    assert await scanned(
        app, "SELECT id FROM transactions WHERE created_at >= :a AND created_at < :b", a=start, b=end
    ) == {partition_name(month)}
    listing = (
        "SELECT * FROM transactions WHERE (buyer_id = :u OR producer_id = :u) "
        "AND created_at >= :a AND created_at < :b ORDER BY created_at DESC, id DESC LIMIT 21"
    )
    two_months = await scanned(
        app, listing, u=uuid.uuid4(), a=start - timedelta(days=3), b=start + timedelta(days=3)
    )
    assert two_months == {partition_name(add_months(month, -1)), partition_name(month)}
    at = to_millisecond(datetime.now(UTC))
    trade_id = new_trade_id(at)
    assert created_at_of(trade_id) == at
    by_id = await scanned(
        app,
        "SELECT * FROM transactions WHERE id = :id AND created_at = :t",
        id=trade_id,
        t=created_at_of(trade_id),
    )
    assert by_id == {partition_name(month)}


async def test_partitions_are_kept_ahead_and_the_created_at_index_is_on_each(trade_api: Api) -> None:
    _, app = trade_api
    this_month = month_of(datetime.now(UTC))
    wanted = {partition_name(add_months(this_month, n)) for n in range(-1, 4)}
    children = {
        row[0]
        for row in await rows(
            app,
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = 'transactions'::regclass",
        )
    }
    assert wanted | {"transactions_default"} <= children
    indexed = {
        row[0]
        for row in await rows(
            app, "SELECT tablename FROM pg_indexes WHERE indexdef LIKE '%USING btree (created_at)'"
        )
    }
    assert wanted <= indexed


async def test_a_trade_outside_the_partitions_waits_in_default_then_moves_to_its_month(
    trade_api: Api, farm: str, buyer: User
) -> None:
    client, app = trade_api
    far = date(2001 + uuid.uuid4().int % 20, 1 + uuid.uuid4().int % 12, 1)  # a month nobody uses
    set_clock(app, mid_month(far))
    try:
        trade = await open_trade(client, buyer, farm)
    finally:
        set_clock(app, None)
    assert await partition_of(app, trade["id"]) == "transactions_default"
    created = await ensure_partitions(app.state.runtime.db, datetime.now(UTC), 1, 3)
    assert partition_name(far) in created
    assert await partition_of(app, trade["id"]) == partition_name(far)
    index_count = "SELECT count(*) FROM pg_indexes WHERE tablename = :t"
    this_month = partition_name(month_of(datetime.now(UTC)))
    assert await rows(app, index_count, t=partition_name(far)) == await rows(app, index_count, t=this_month)
    response = await client.get(f"{API}/{trade['id']}", headers=buyer.headers)
    assert response.status_code == 200 and response.json()["id"] == trade["id"]
    assert await ensure_partitions(app.state.runtime.db, datetime.now(UTC), 1, 3) == []
