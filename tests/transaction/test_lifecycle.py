"""A trade's lifecycle through the API: the happy path with its events, every illegal
transition (409 with the current status), cancellation rules, and anomaly review."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal

import httpx
import pytest

from pamtalk.events.catalogue import TransactionFlagged
from pamtalk.events.envelope import Envelope
from services.transaction.ids import new_trade_id
from tests.transaction.conftest import Api
from tests.transaction.support import API, User, handled, open_trade, published
from tests.waiting import eventually

pytestmark = pytest.mark.integration


async def move(
    client: httpx.AsyncClient, trade_id: str, verb: str, who: User, **body: object
) -> httpx.Response:
    if verb == "cancel":
        body.setdefault("reason", "changed my mind")
    return await client.post(f"{API}/{trade_id}/{verb}", json=body or None, headers=who.headers)


async def status_of(client: httpx.AsyncClient, trade_id: str, who: User) -> str:
    response = await client.get(f"{API}/{trade_id}", headers=who.headers)
    assert response.status_code == 200, response.text
    status: str = response.json()["status"]
    return status


async def test_happy_path_publishes_each_change_with_what_consumers_need(
    trade_api: Api, farm: str, farmer: User, buyer: User
) -> None:
    client, app = trade_api
    trade = await open_trade(client, buyer, farm, quantity="10", unit_price="1500.5")
    confirmed = await move(client, trade["id"], "confirm", farmer)
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "confirmed"
    assert confirmed.json()["confirmed_at"]
    settled = await move(client, trade["id"], "settle", buyer)
    assert settled.status_code == 200 and settled.json()["status"] == "settled"
    assert settled.json()["settled_at"]

    for type_, status in [
        ("transaction.created", "pending"),
        ("transaction.confirmed", "confirmed"),
        ("transaction.settled", "settled"),
    ]:
        [event] = await published(app, type_, trade["id"])
        data = event.data
        assert event.producer == "transaction" and data["status"] == status
        assert data["buyer_id"] == str(buyer.id) and data["producer_id"] == str(farmer.id)
        assert data["farm_id"] == farm and data["crop"] == "tomatoes"
        assert Decimal(data["quantity"]) == 10 and Decimal(data["total_value"]) == Decimal("15005.00")
        assert data["producer_esg_score"] == 72.5 and data["producer_wallet"] == "0x" + "ab" * 20
        assert data["region"] == "Jeonnam" and data["created_at"].startswith(trade["created_at"][:19])


@pytest.mark.parametrize(
    ("path", "verb", "actor", "status"),
    [
        ([], "settle", "buyer", "pending"),
        (["confirm"], "confirm", "farmer", "confirmed"),
        (["confirm"], "cancel", "buyer", "confirmed"),
        (["confirm", "settle"], "settle", "buyer", "settled"),
        (["confirm", "settle"], "cancel", "farmer", "settled"),
        (["cancel"], "confirm", "farmer", "cancelled"),
        (["cancel"], "cancel", "farmer", "cancelled"),
        (["cancel"], "settle", "buyer", "cancelled"),
    ],
)
async def test_illegal_transitions_are_409_with_the_current_status(
    trade_api: Api, farm: str, farmer: User, buyer: User, path: list[str], verb: str, actor: str, status: str
) -> None:
    client, app = trade_api
    people = {"farmer": farmer, "buyer": buyer}
    trade = await open_trade(client, buyer, farm)
    for step in path:
        who = buyer if step == "settle" or (step == "cancel" and verb != "cancel") else farmer
        assert (await move(client, trade["id"], step, who)).status_code == 200
    events_before = len(await published(app, "transaction.cancelled", trade["id"]))
    response = await move(client, trade["id"], verb, people[actor])
    assert response.status_code == 409, response.text
    problem = response.json()
    assert problem["type"].endswith("/illegal-transition") and problem["current_status"] == status
    assert status in problem["detail"]
    assert await status_of(client, trade["id"], buyer) == status
    assert len(await published(app, "transaction.cancelled", trade["id"])) == events_before


async def test_wrong_party_for_a_move_is_403(trade_api: Api, farm: str, farmer: User, buyer: User) -> None:
    client, _ = trade_api
    trade = await open_trade(client, buyer, farm)
    assert (await move(client, trade["id"], "confirm", buyer)).status_code == 403
    assert (await move(client, trade["id"], "confirm", farmer)).status_code == 200
    assert (await move(client, trade["id"], "settle", farmer)).status_code == 403
    assert await status_of(client, trade["id"], buyer) == "confirmed"


async def test_buyer_cancels_while_pending_farmer_until_settled(
    trade_api: Api, farm: str, farmer: User, buyer: User
) -> None:
    client, app = trade_api
    first = await open_trade(client, buyer, farm)
    response = await move(client, first["id"], "cancel", buyer, reason="found it cheaper")
    assert response.status_code == 200 and response.json()["cancel_reason"] == "found it cheaper"
    second = await open_trade(client, buyer, farm)
    await move(client, second["id"], "confirm", farmer)
    assert (await move(client, second["id"], "cancel", farmer, reason="hail storm")).status_code == 200
    [event] = await published(app, "transaction.cancelled", second["id"])
    assert event.data["reason"] == "hail storm" and event.data["status"] == "cancelled"
    blank = await client.post(f"{API}/{second['id']}/cancel", json={"reason": " "}, headers=farmer.headers)
    assert blank.status_code == 422


async def flag(trade_api: Api, trade: dict, buyer: User, farmer: User) -> Envelope:
    _, app = trade_api
    envelope = Envelope.wrap(
        TransactionFlagged(
            transaction_id=uuid.UUID(str(trade["id"])),
            producer_id=farmer.id,
            buyer_id=buyer.id,
            score=0.85,
            risk_band="CRITICAL",
            reasons=["price z-score 3.1"],
        ),
        "prediction",
    )
    await app.state.runtime.bus.publish(envelope)
    return envelope


async def under_review(trade_api: Api, trade: dict, buyer: User, farmer: User) -> Envelope:
    """Flag the trade and wait until the consumer has put it under review."""
    envelope = await flag(trade_api, trade, buyer, farmer)
    await eventually(lambda: _is(trade_api[0], trade["id"], buyer, "under_review"))
    return envelope


async def test_flagged_trade_is_held_for_review_and_an_admin_clears_it(
    trade_api: Api, farm: str, farmer: User, buyer: User, admin: User
) -> None:
    client, app = trade_api
    trade = await open_trade(client, buyer, farm)
    await move(client, trade["id"], "confirm", farmer)
    envelope = await under_review(trade_api, trade, buyer, farmer)
    await app.state.runtime.bus.publish(envelope)  # a redelivery changes nothing

    for verb, who in [("settle", buyer), ("cancel", farmer), ("confirm", farmer)]:
        response = await move(client, trade["id"], verb, who)
        assert response.status_code == 409 and response.json()["current_status"] == "under_review"
    seen_by_buyer = (await client.get(f"{API}/{trade['id']}", headers=buyer.headers)).json()
    assert seen_by_buyer["review"] is None  # the scorer's reasons are for admins
    seen_by_admin = (await client.get(f"{API}/{trade['id']}", headers=admin.headers)).json()
    assert seen_by_admin["review"]["risk_band"] == "CRITICAL"

    assert (await move(client, trade["id"], "review", farmer, decision="clear")).status_code == 403
    cleared = await move(client, trade["id"], "review", admin, decision="clear")
    assert cleared.status_code == 200 and cleared.json()["status"] == "confirmed"  # back where it was
    again = await move(client, trade["id"], "review", admin, decision="clear")
    assert again.status_code == 409 and again.json()["current_status"] == "confirmed"
    assert (await move(client, trade["id"], "settle", buyer)).status_code == 200
    assert len(await published(app, "transaction.confirmed", trade["id"])) == 1  # clearing publishes nothing


@pytest.mark.parametrize(("decision", "status"), [("cancel", "cancelled"), ("clear", "pending")])
async def test_admin_decides_on_a_flagged_pending_trade(
    trade_api: Api, farm: str, farmer: User, buyer: User, admin: User, decision: str, status: str
) -> None:
    client, app = trade_api
    trade = await open_trade(client, buyer, farm)
    await under_review(trade_api, trade, buyer, farmer)
    flagged = (await client.get(f"{API}/{trade['id']}", headers=admin.headers)).json()
    assert flagged["review"]["score"] == 0.85 and flagged["review"]["reasons"] == ["price z-score 3.1"]
    response = await move(client, trade["id"], "review", admin, decision=decision, note="wash trading")
    assert response.status_code == 200 and response.json()["status"] == status  # clear: back to pending
    cancelled = await published(app, "transaction.cancelled", trade["id"])
    assert [event.data["reason"] for event in cancelled] == (["wash trading"] if decision == "cancel" else [])


async def test_a_settled_trade_is_not_put_under_review(
    trade_api: Api, farm: str, farmer: User, buyer: User
) -> None:
    client, app = trade_api
    trade = await open_trade(client, buyer, farm)
    await move(client, trade["id"], "confirm", farmer)
    await move(client, trade["id"], "settle", buyer)
    envelope = await flag(trade_api, trade, buyer, farmer)
    await eventually(lambda: handled(app, envelope))
    assert await status_of(client, trade["id"], buyer) == "settled"


async def _is(client: httpx.AsyncClient, trade_id: str, who: User, status: str) -> bool:
    return await status_of(client, trade_id, who) == status


async def test_flags_for_trades_that_do_not_exist_are_recorded_and_ignored(
    trade_api: Api, farm: str, farmer: User, buyer: User
) -> None:
    _, app = trade_api
    never_made = {"id": uuid.uuid4()}  # not a UUIDv7: no trade of this service
    unknown = {"id": new_trade_id(datetime.now(UTC))}  # could be ours, but is not stored
    envelopes = [await flag(trade_api, trade, buyer, farmer) for trade in (never_made, unknown)]
    for envelope in envelopes:
        await eventually(lambda envelope=envelope: handled(app, envelope))
    assert await app.state.runtime.bus.dead_letters("transaction_updates") == []
