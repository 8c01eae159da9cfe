"""Events in, notifications out: the right users, the right kind, in their language, once."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from pamtalk.events.catalogue import (
    EsgScored,
    TokenBurned,
    TokenMinted,
    TokenMovement,
    TokenTransferred,
    TransactionFlagged,
    UserUpdated,
)
from services.notification.store import notifications
from services.notification.store.notifications import Draft
from tests.notification.support import (
    forecast,
    mine,
    publish,
    registered,
    trade,
    valid_until,
    wait_for_count,
)

pytestmark = pytest.mark.integration


async def test_welcome_in_the_language_of_sign_up(notif, tokens) -> None:
    client, app = notif
    ko_user, en_user = uuid.uuid4(), uuid.uuid4()
    await publish(app, registered(ko_user, "ko", "김농부"))
    await publish(app, registered(en_user, "en", "Alice"))
    (ko,) = await wait_for_count(client, tokens.headers(user_id=ko_user), 1)
    (en,) = await wait_for_count(client, tokens.headers(user_id=en_user), 1)
    assert ko["kind"] == en["kind"] == "welcome"
    assert ko["title"] == "PAM-TALK에 오신 것을 환영합니다" and "김농부님" in ko["body"]
    assert en["title"] == "Welcome to PAM-TALK" and "Alice" in en["body"]
    assert ko["read_at"] is None and ko["data"] == {"role": "farmer"}


@pytest.mark.parametrize("stage", ["created", "confirmed", "settled", "cancelled"])
async def test_trade_notifies_both_parties_each_in_their_language(notif, tokens, stage) -> None:
    client, app = notif
    producer, buyer = uuid.uuid4(), uuid.uuid4()
    await publish(app, registered(producer, "ko"))
    await publish(app, registered(buyer, "en"))
    extra = {"reason": "buyer changed plans"} if stage == "cancelled" else {}
    event = trade(stage, producer, buyer, **extra)
    await publish(app, event)
    p_items = await wait_for_count(client, tokens.headers("farmer", producer), 2)
    b_items = await wait_for_count(client, tokens.headers("consumer", buyer), 2)
    (p,) = [n for n in p_items if n["kind"] == f"trade.{stage}"]
    (b,) = [n for n in b_items if n["kind"] == f"trade.{stage}"]
    assert p["data"]["transaction_id"] == b["data"]["transaction_id"] == str(event.transaction_id)
    assert (p["data"]["role"], b["data"]["role"]) == ("producer", "buyer")
    assert "토마토 120" in p["body"] and "tomatoes" in b["body"]
    ref = "#" + event.transaction_id.hex[:8]
    assert ref in p["body"] and ref in b["body"]
    if stage != "cancelled":
        assert p["title"] != "" and b["title"] != ""
    if stage in ("created", "settled"):
        assert "1,234,500원" in p["body"]
    if stage in ("created", "confirmed", "settled"):
        assert "₩1,234,500" in b["body"]
        assert p["body"] != b["body"]  # each side reads its own text
    if stage == "cancelled":
        assert "사유: buyer changed plans" in p["body"] and "Reason: buyer changed plans" in b["body"]


async def test_unknown_users_read_korean(notif, tokens) -> None:
    client, app = notif
    producer, buyer = uuid.uuid4(), uuid.uuid4()  # never registered here
    await publish(app, trade("confirmed", producer, buyer, crop="cabbage"))
    (n,) = await wait_for_count(client, tokens.headers(user_id=buyer), 1)
    assert n["title"] == "거래 확정" and "배추 120" in n["body"]


async def test_flagged_trade_tells_both_parties_but_not_the_signals(notif, tokens) -> None:
    client, app = notif
    producer, buyer = uuid.uuid4(), uuid.uuid4()
    await publish(app, registered(buyer, "en"))
    flagged = TransactionFlagged(
        transaction_id=uuid.uuid4(),
        producer_id=producer,
        buyer_id=buyer,
        score=0.91,
        risk_band="CRITICAL",
        reasons=["price z-score 3.4", "night trade"],
    )
    await publish(app, flagged)
    (p,) = await wait_for_count(client, tokens.headers(user_id=producer), 1)
    buyer_items = await wait_for_count(client, tokens.headers(user_id=buyer), 2)
    b = next(n for n in buyer_items if n["kind"] != "welcome")
    assert p["kind"] == b["kind"] == "trade.flagged"
    assert p["title"] == "거래 검토 중" and b["title"] == "Trade under review"
    assert "z-score" not in p["body"] + b["body"] and "night" not in p["body"] + b["body"]


async def test_esg_scored_goes_to_the_farm_owner(notif, tokens) -> None:
    client, app = notif
    owner = uuid.uuid4()
    scored = EsgScored(
        assessment_id=uuid.uuid4(),
        submission_id=uuid.uuid4(),
        farm_id=uuid.uuid4(),
        owner_id=owner,
        environmental=80,
        social=85,
        governance=90,
        overall=84.25,
        grade="Gold",
        token_estimate=168500,
        valid_until=valid_until(),
    )
    await publish(app, scored)
    (n,) = await wait_for_count(client, tokens.headers("farmer", owner), 1)
    assert n["kind"] == "esg.scored" and "골드 등급, 84.2점" in n["body"] and "2027년 5월 3일" in n["body"]
    assert n["data"]["farm_id"] == str(scored.farm_id)


def _movement(cls: type[TokenMovement], owner: uuid.UUID | None, **extra: Any) -> TokenMovement:
    return cls(
        wallet="0x" + "a" * 40,
        owner_id=owner,
        amount_micro=1_234_567_890,
        reason="trade_reward",
        reference="t-1",
        ledger_index=7,
        **extra,
    )


async def test_tokens_received_by_owner_or_receiver_only(notif, tokens) -> None:
    client, app = notif
    owner, receiver, sender = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    await publish(app, registered(receiver, "en"))
    await publish(app, _movement(TokenMinted, None))  # unlinked wallet: nobody to tell
    await publish(app, _movement(TokenBurned, owner))  # burns are not "received"
    await publish(app, _movement(TokenMinted, owner))
    await publish(app, _movement(TokenTransferred, sender, to_wallet="0x" + "b" * 40, to_owner_id=receiver))
    (minted,) = await wait_for_count(client, tokens.headers(user_id=owner), 1)
    assert minted["kind"] == "tokens.received" and "1,234.56789 DC" in minted["body"]
    received = await wait_for_count(client, tokens.headers(user_id=receiver), 2)
    assert (
        received[0]["title"] == "ESG-GOLD received" and received[0]["data"]["amount_micro"] == 1_234_567_890
    )
    assert await mine(client, tokens.headers(user_id=sender)) == []
    assert len(await mine(client, tokens.headers(user_id=owner))) == 1


async def test_forecast_finished_for_the_requester(notif, tokens) -> None:
    client, app = notif
    user = uuid.uuid4()
    await publish(app, registered(user, "en"))
    await publish(app, forecast(user, "failed"))
    await publish(app, forecast(user, "succeeded"))
    items = await wait_for_count(client, tokens.headers(user_id=user), 3)
    assert [n["title"] for n in items[:2]] == ["Forecast ready", "Forecast failed"]
    assert {n["kind"] for n in items[:2]} == {"forecast.finished"}


async def test_language_follows_user_updated_but_not_an_older_one(notif, tokens) -> None:
    client, app = notif
    user = uuid.uuid4()
    now = datetime.now(UTC)
    await publish(app, registered(user, "ko"), occurred_at=now - timedelta(minutes=5))
    await publish(app, UserUpdated(user_id=user, display_name="Kim", language="en"), occurred_at=now)
    stale = UserUpdated(user_id=user, display_name="Kim", language="ko")
    await publish(app, stale, occurred_at=now - timedelta(minutes=1))  # late, older: ignored
    await publish(app, forecast(user))
    items = await wait_for_count(client, tokens.headers(user_id=user), 2)
    assert items[0]["title"] == "Forecast ready"


async def test_a_redelivered_event_stores_one_notification_per_user(notif, tokens) -> None:
    client, app = notif
    producer, buyer = uuid.uuid4(), uuid.uuid4()
    envelope = await publish(app, trade("settled", producer, buyer))
    await publish(app, envelope)  # the broker delivers it again
    await publish(app, envelope)
    await publish(app, forecast(buyer))  # handled after the copies (one queue, in order)
    await wait_for_count(client, tokens.headers(user_id=buyer), 2)
    assert len(await mine(client, tokens.headers(user_id=buyer))) == 2
    assert len(await mine(client, tokens.headers(user_id=producer))) == 1


async def test_the_unique_key_holds_even_past_the_inbox(notif) -> None:
    _, app = notif
    user, event_id = uuid.uuid4(), uuid.uuid4()
    draft = Draft(user, "forecast.finished", "forecast.finished/succeeded", {}, {})
    row = {**draft.as_row(), "event_id": event_id, "n": 0}
    async with app.state.runtime.db.write() as tx:  # as if claimed: the inbox is not asked
        _, first = await notifications.DELIVER.write(tx, [row], [event_id], None)
    async with app.state.runtime.db.write() as tx:
        _, second = await notifications.DELIVER.write(tx, [row], [event_id], None)
    assert len(first) == 1 and second == []
