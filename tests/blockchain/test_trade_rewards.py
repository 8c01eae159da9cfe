"""Settled trades become ledger entries and mint the producer's reward exactly once."""

from __future__ import annotations

from decimal import Decimal

import pytest

from services.blockchain.tokens.rules import trade_reward_micro
from tests.blockchain.conftest import Api
from tests.blockchain.support import (
    DC,
    LEDGER,
    User,
    balance,
    entries_for,
    publish,
    published,
    recorded,
    settle,
    settled,
)

pytestmark = pytest.mark.integration


async def test_a_settled_trade_is_recorded_and_mints_the_reward(ledger_api: Api, farmer: User) -> None:
    client, app = ledger_api
    event = settled(farmer.id, Decimal("1500000"), esg=82.35)
    trade = await settle(client, app, event)

    assert trade["entry"]["kind"] == "trade_settled"
    payload = trade["entry"]["payload"]
    assert payload["trade_id"] == str(event.transaction_id)
    assert payload["value_krw"] == "1500000"
    assert payload["producer_esg_score"] == "82.35"
    # DOMAIN.md: (value // 1000) x (1 + ESG / 100) DC = 1500 x 1.8235 = 2735.25 DC
    assert payload["reward_micro"] == 2_735_250_000 == trade_reward_micro(1_500_000, Decimal("82.35"))

    mint = await recorded(client, f"trade:{event.transaction_id}:reward")
    assert mint["entry"]["kind"] == "token_minted"
    assert mint["entry"]["index"] == trade["entry"]["index"] + 1
    assert mint["entry"]["payload"] == {
        "wallet": farmer.wallet,
        "amount_micro": 2_735_250_000,
        "reason": "trade_reward",
        "trade_id": str(event.transaction_id),
        "trade_entry": trade["entry"]["index"],
    }
    assert await balance(client, farmer.wallet) == 2_735_250_000

    mine = (await client.get("/api/v1/wallets/me", headers=farmer.headers)).json()
    assert mine["total_micro"] == 2_735_250_000
    history = (await client.get("/api/v1/wallets/me/history", headers=farmer.headers)).json()
    assert [(m["kind"], m["amount_micro"], m["ledger_index"]) for m in history["items"]] == [
        ("minted", 2_735_250_000, mint["entry"]["index"])
    ]
    # the relay publishes it after the commit (gathering that moment's other commits first)
    assert await published(app, "token.minted", reference=f"trade:{event.transaction_id}:reward")


async def test_a_redelivered_trade_is_still_one_entry(ledger_api: Api, farmer: User) -> None:
    client, app = ledger_api
    event = settled(farmer.id, 48_000, esg=50.0)
    envelope = await publish(app, event)
    await recorded(client, f"trade:{event.transaction_id}")
    await publish(app, envelope)  # the broker redelivers the same message
    await publish(app, event)  # and the producer publishes the same trade again, new event id
    sentinel = settled(farmer.id, 1000, esg=0.0)
    await settle(client, app, sentinel)  # one worker per queue: the duplicates were handled before

    assert len(await entries_for(client, f"trade:{event.transaction_id}")) == 1
    assert len(await entries_for(client, f"trade:{event.transaction_id}:reward")) == 1
    assert await balance(client, farmer.wallet) == 48 * 15 * DC // 10 + DC  # 72 DC + 1 DC


async def test_reward_goes_to_the_producer_wallet_unless_it_is_someone_elses(
    ledger_api: Api, farmer: User, buyer: User
) -> None:
    client, app = ledger_api
    own = "0x" + farmer.id.hex[:8] + "ab" * 16
    await settle(client, app, settled(farmer.id, 10_000, esg=0.0, wallet=own.upper().replace("0X", "0x")))
    assert await balance(client, own) == 10 * DC
    # the same wallet named on another producer's trade is not theirs: custodial wallet instead
    await settle(client, app, settled(buyer.id, 20_000, esg=0.0, wallet=own))
    assert await balance(client, own) == 10 * DC
    assert await balance(client, buyer.wallet) == 20 * DC
    mine = (await client.get("/api/v1/wallets/me", headers=farmer.headers)).json()
    assert {w["address"] for w in mine["wallets"]} == {farmer.wallet, own}


async def test_small_trades_and_missing_scores(ledger_api: Api, farmer: User) -> None:
    client, app = ledger_api
    tiny = settled(farmer.id, 999, esg=None)
    trade = await settle(client, app, tiny)
    assert trade["entry"]["payload"]["reward_micro"] == 0
    assert trade["entry"]["payload"]["producer_esg_score"] is None
    assert await entries_for(client, f"trade:{tiny.transaction_id}:reward") == []
    response = await client.get(f"{LEDGER}/entries", params={"reference": "trade:nope"})
    assert response.json() == {"items": [], "next_cursor": None}
