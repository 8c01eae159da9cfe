"""Trade anomalies from analytics_data: an abnormal trade is flagged (transaction.flagged
with reasons), a normal one is not, a redelivery changes nothing; admins list the scores.
Settled trades add up in daily_demand, once per event."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

import pytest
from asyncpg import Record

from pamtalk.events.catalogue import TransactionConfirmed, TransactionFlagged
from pamtalk.events.envelope import Envelope
from services.prediction.consumers import analytics_data
from tests.prediction.support import KST, created, publish, published, rows, settled, trade
from tests.waiting import eventually

pytestmark = pytest.mark.integration
ANOMALIES = "/api/v1/anomalies"


async def _anomaly(app, transaction_id: uuid.UUID) -> Record | None:
    found = await rows(
        app,
        "SELECT risk, reasons, signals, isolation_score FROM trade_anomalies WHERE transaction_id = :id",
        id=transaction_id,
    )
    return found[0] if found else None


async def test_abnormal_trade_is_flagged_with_reasons(prediction_api, tokens) -> None:
    client, app = prediction_api
    event = created(
        quantity="2000",  # tomatoes trade about 150 units
        unit_price="12000",  # at about 3,500 KRW
        quality=45,
        delivery_hours=400,
        at=datetime(2026, 11, 20, 2, 30, tzinfo=KST),  # at night
    )
    envelope = await publish(app, event)

    async def flagged() -> list:
        return await published(app, "transaction.flagged", transaction_id=str(event.transaction_id))

    [body] = await eventually(flagged)
    flag = TransactionFlagged.model_validate(body)
    assert flag.risk_band in ("HIGH", "CRITICAL") and flag.score >= 0.6
    assert (flag.producer_id, flag.buyer_id) == (event.producer_id, event.buyer_id)
    reasons = " | ".join(flag.reasons)
    for expected in ("unit price", "quantity", "night", "delivery in 400 h"):
        assert expected in reasons

    stored = await _anomaly(app, event.transaction_id)
    assert stored is not None and stored["risk"] == flag.risk_band and stored["isolation_score"] is not None
    assert {s["name"] for s in stored["signals"]} >= {"price", "quantity", "night", "delivery"}

    await analytics_data(app.state.runtime)(envelope, {})  # redelivered
    assert len(await published(app, "transaction.flagged", transaction_id=str(event.transaction_id))) == 1

    page = (
        await client.get(ANOMALIES, params={"risk": ["HIGH", "CRITICAL"]}, headers=tokens.headers("admin"))
    ).json()
    [item] = [i for i in page["items"] if i["transaction_id"] == str(event.transaction_id)]
    assert item["reasons"] == list(flag.reasons) and item["signals"][0]["reason"] == flag.reasons[0]


async def test_normal_trade_is_scored_but_not_flagged(prediction_api, tokens) -> None:
    client, app = prediction_api
    event = created(quantity="150", unit_price="3500", quality=80, delivery_hours=48)
    await analytics_data(app.state.runtime)(Envelope.wrap(event, "transaction"), {})
    stored = await _anomaly(app, event.transaction_id)
    assert stored is not None and stored["risk"] == "LOW" and stored["reasons"] == []
    assert await published(app, "transaction.flagged", transaction_id=str(event.transaction_id)) == []

    low = (await client.get(ANOMALIES, params={"risk": "LOW"}, headers=tokens.headers("admin"))).json()
    assert str(event.transaction_id) in [i["transaction_id"] for i in low["items"]]
    high = (
        await client.get(ANOMALIES, params={"risk": "HIGH", "limit": 100}, headers=tokens.headers("admin"))
    ).json()
    assert str(event.transaction_id) not in [i["transaction_id"] for i in high["items"]]


async def test_anomalies_are_for_admins_and_paged(prediction_api, tokens) -> None:
    client, app = prediction_api
    handler = analytics_data(app.state.runtime)
    for _ in range(5):
        await handler(Envelope.wrap(created(), "transaction"), {})
    admin = tokens.headers("admin")
    first = (await client.get(ANOMALIES, params={"limit": 2}, headers=admin)).json()
    second = (
        await client.get(ANOMALIES, params={"limit": 2, "cursor": first["next_cursor"]}, headers=admin)
    ).json()
    ids = [i["transaction_id"] for i in first["items"] + second["items"]]
    assert len(ids) == len(set(ids)) == 4
    assert (await client.get(ANOMALIES, headers=tokens.headers("committee"))).status_code == 403
    assert (await client.get(ANOMALIES)).status_code == 401
    assert (await client.get(ANOMALIES, params={"risk": "SEVERE"}, headers=admin)).status_code == 422


async def test_settled_trades_add_up_in_daily_demand_once(prediction_api) -> None:
    _, app = prediction_api
    crop = f"crop-{uuid.uuid4().hex[:6]}"  # a crop of this test alone
    day = datetime(2026, 11, 20, 23, 30, tzinfo=KST)  # 14:30 UTC: the Korean day counts
    handler = analytics_data(app.state.runtime)
    first = Envelope.wrap(settled(crop=crop, quantity="120.5", region="Jeonnam", at=day), "transaction")
    await handler(first, {})
    await handler(first, {})  # redelivered
    await publish(app, settled(crop=crop, quantity="30", region="Gwangju", at=day))  # same region: Jeolla
    await handler(Envelope.wrap(settled(crop=crop, quantity="7", region="Seoul", at=day), "transaction"), {})
    later = datetime(2026, 11, 21, 0, 10, tzinfo=KST)
    await handler(
        Envelope.wrap(settled(crop=crop, quantity="1", region="Jeonnam", at=later), "transaction"), {}
    )
    confirmed = TransactionConfirmed(
        **trade("confirmed", crop=crop, quantity="999", region="Jeonnam", at=day)
    )
    await handler(Envelope.wrap(confirmed, "transaction"), {})  # only settled trades count

    async def demand() -> dict | None:
        query = "SELECT day, region, quantity FROM daily_demand WHERE crop = :crop"
        found = await rows(app, query, crop=crop)
        table = {(r["day"], r["region"]): r["quantity"] for r in found}
        return (
            table if len(table) == 3 and table[(date(2026, 11, 20), "Jeolla")] == Decimal("150.5") else None
        )

    table = await eventually(demand)
    assert table == {
        (date(2026, 11, 20), "Jeolla"): Decimal("150.5"),
        (date(2026, 11, 20), "Seoul"): Decimal("7"),
        (date(2026, 11, 21), "Jeolla"): Decimal("1"),
    }
