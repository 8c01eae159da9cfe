"""Redeeming DC as a discount (DOMAIN.md: 1 DC = 1 KRW, at most 20 % of a purchase, at most
1,000 DC a user a KST day, 10 % burned) and ESG assessments (recorded; rewarded once a
committee member approves)."""

from __future__ import annotations

import uuid
from datetime import datetime

import pytest

from services.blockchain.append import now_ms
from tests.blockchain.conftest import Api
from tests.blockchain.support import (
    DC,
    LEDGER,
    WALLETS,
    User,
    balance,
    entries_for,
    fund,
    publish,
    published,
    recorded,
    scored,
    state_of,
)

pytestmark = pytest.mark.integration


def at(text: str) -> int:
    return int(datetime.fromisoformat(text).timestamp() * 1000)


async def redeem(client, who: User, amount_dc: int, purchase_krw: int, **extra):  # type: ignore[no-untyped-def]
    body = {"amount_micro": amount_dc * DC, "purchase_krw": purchase_krw}
    return await client.post(f"{WALLETS}/{who.wallet}/redeem", json=body, headers={**who.headers, **extra})


async def test_redeeming_burns_ten_percent_and_credits_the_rest(ledger_api: Api, buyer: User) -> None:
    client, app = ledger_api
    await fund(client, app, buyer, 3000)
    treasury_before = await balance(client, "treasury:pamtalk")
    supply_before = (await client.get(f"{WALLETS}/supply")).json()

    response = await redeem(client, buyer, 600, 10_000)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["discount_krw"] == 600
    assert (body["redeemed_micro"], body["burned_micro"], body["credited_micro"]) == (
        600 * DC,
        60 * DC,
        540 * DC,
    )
    assert body["balance_micro"] == 2400 * DC == await balance(client, buyer.wallet)
    assert await balance(client, "treasury:pamtalk") == treasury_before + 540 * DC

    burn = (await client.get(f"{LEDGER}/entries/{body['burn_index']}")).json()["entry"]
    credit = (await client.get(f"{LEDGER}/entries/{body['credit_index']}")).json()["entry"]
    assert burn["kind"] == "token_burned" and burn["payload"]["amount_micro"] == 60 * DC
    assert credit["kind"] == "token_transferred" and credit["payload"]["to"] == "treasury:pamtalk"
    supply = (await client.get(f"{WALLETS}/supply")).json()
    assert supply["burned_micro"] - supply_before["burned_micro"] == 60 * DC
    burned = await published(app, "token.burned", reference=burn["reference"])
    assert burned[-1].data["amount_micro"] == 60 * DC and burned[-1].data["owner_id"] == str(buyer.id)


async def test_the_limits_of_a_redemption(ledger_api: Api, buyer: User) -> None:
    client, app = ledger_api
    state_of(app).clock = lambda: at("2026-03-10T23:50:00+09:00")
    try:
        await fund(client, app, buyer, 3000)
        refused = await redeem(client, buyer, 201, 1_000)  # 20 % of 1,000 KRW is 200
        assert refused.status_code == 422
        assert (
            refused.json()["reason"] == "purchase_cap" and refused.json()["max_redeemable_micro"] == 200 * DC
        )
        half = await client.post(
            f"{WALLETS}/{buyer.wallet}/redeem",
            json={"amount_micro": DC // 2, "purchase_krw": 10_000},
            headers=buyer.headers,
        )
        assert half.status_code == 422 and half.json()["reason"] == "not_whole_dc"

        assert (await redeem(client, buyer, 700, 100_000)).status_code == 201
        over = await redeem(client, buyer, 301, 100_000)  # 700 + 301 > 1,000 DC today
        assert over.status_code == 422
        assert over.json()["reason"] == "daily_cap" and over.json()["max_redeemable_micro"] == 300 * DC
        assert (await redeem(client, buyer, 300, 100_000)).status_code == 201

        # ten minutes later it is another day in Korea (15:00 UTC): the cap starts again
        state_of(app).clock = lambda: at("2026-03-11T00:00:30+09:00")
        assert (await redeem(client, buyer, 1000, 100_000)).status_code == 201
        poor = await redeem(client, buyer, 2000, 100_000)
        assert poor.status_code == 422 and poor.json()["reason"] == "daily_cap"
        assert await balance(client, buyer.wallet) == 1000 * DC
    finally:
        state_of(app).clock = now_ms


async def test_redeeming_more_than_the_balance_is_409(ledger_api: Api, buyer: User) -> None:
    client, app = ledger_api
    await fund(client, app, buyer, 10)
    response = await redeem(client, buyer, 11, 100_000)
    assert response.status_code == 409 and response.json()["reason"] == "insufficient_balance"
    assert await balance(client, buyer.wallet) == 10 * DC


async def test_a_retried_redemption_happens_once(ledger_api: Api, buyer: User) -> None:
    client, app = ledger_api
    await fund(client, app, buyer, 100)
    first = await redeem(client, buyer, 20, 100_000, **{"Idempotency-Key": "checkout-42"})
    again = await redeem(client, buyer, 20, 100_000, **{"Idempotency-Key": "checkout-42"})
    assert first.status_code == again.status_code == 201 and first.json() == again.json()
    assert await balance(client, buyer.wallet) == 80 * DC


async def test_an_esg_assessment_is_recorded_and_rewarded_on_approval(
    ledger_api: Api, farmer: User, committee: User
) -> None:
    client, app = ledger_api
    event = scored(farmer.id, token_estimate=1234)
    envelope = await publish(app, event)
    entry = (await recorded(client, f"esg:{event.assessment_id}"))["entry"]
    assert entry["kind"] == "esg_assessed"
    assert entry["payload"]["overall"] == "82.3" and entry["payload"]["grade"] == "Gold"
    assert entry["payload"]["token_estimate_micro"] == 1234 * DC
    assert await balance(client, farmer.wallet) == 0  # nothing minted before approval
    await publish(app, envelope)  # redelivered

    path = f"{LEDGER}/esg-assessments/{event.assessment_id}/approval"
    assert (await client.post(path, headers=farmer.headers)).status_code == 403
    assert (
        await client.post(f"{LEDGER}/esg-assessments/{uuid.uuid4()}/approval", headers=committee.headers)
    ).status_code == 404
    approved = await client.post(path, headers=committee.headers)
    assert approved.status_code == 201, approved.text
    assert approved.json()["amount_micro"] == 1234 * DC and approved.json()["wallet"] == farmer.wallet
    assert await balance(client, farmer.wallet) == 1234 * DC
    assert (await client.post(path, headers=committee.headers)).status_code == 409
    mint = (await client.get(f"{LEDGER}/entries/{approved.json()['ledger_index']}")).json()["entry"]
    assert mint["payload"]["assessment_entry"] == entry["index"] and mint["payload"]["reason"] == "esg_reward"
    assert len(await entries_for(client, f"esg:{event.assessment_id}")) == 1
