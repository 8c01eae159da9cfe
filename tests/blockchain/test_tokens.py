"""ESG-GOLD token rules: trade reward, redemption caps, burn split."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.blockchain.tokens.rules import (
    DAILY_REDEEM_CAP_MICRO,
    MICRO_PER_DC,
    Redemption,
    RedemptionRefused,
    RefusalReason,
    check_redemption,
    format_dc,
    kst_day,
    max_redeemable_micro,
    split_burn,
    trade_reward_micro,
)

DC = MICRO_PER_DC


@pytest.mark.parametrize(
    ("value", "esg", "expected"),
    [
        (1_500_000, 80, 1_500 * 180 * 10_000),  # 1,500 x 1.8 = 2,700 DC
        (999, 100, 0),  # under 1,000 won earns nothing
        (1_999, 0, 1 * DC),  # floor to whole thousands
        (Decimal("12345.67"), Decimal("73.45"), 12 * DC + 8_814_000),  # 12 x 1.7345
        (10_000, Decimal("33.3333333"), 13_333_333),  # rounded down to the micro-DC
    ],
)
def test_trade_reward(value: Decimal | int, esg: Decimal | int, expected: int) -> None:
    assert trade_reward_micro(value, esg) == expected


@pytest.mark.parametrize(
    ("value", "esg", "error"),
    [(-1, 50, ValueError), (1000, 101, ValueError), (1000, -1, ValueError), (1000.0, 50, TypeError)],
)
def test_trade_reward_refuses_bad_input(value: object, esg: object, error: type[Exception]) -> None:
    with pytest.raises(error):
        trade_reward_micro(value, esg)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        trade_reward_micro(Decimal("NaN"), 50)


@given(
    value=st.decimals(min_value=0, max_value=10**12, places=2),
    esg=st.decimals(min_value=0, max_value=100, places=4),
)
def test_reward_is_bounded_and_monotonic(value: Decimal, esg: Decimal) -> None:
    reward = trade_reward_micro(value, esg)
    base = int(value // 1000) * DC
    assert base <= reward <= 2 * base
    assert trade_reward_micro(value + 1000, esg) >= reward
    assert trade_reward_micro(value, min(esg + 1, Decimal(100))) >= reward


def test_redemption_accepted_and_split() -> None:
    r = check_redemption(500 * DC, 10_000, 0, 2_000 * DC)
    assert r == Redemption(500 * DC, 50 * DC, 450 * DC, 500)


@pytest.mark.parametrize(
    ("amount", "purchase", "today", "balance", "reason", "most"),
    [
        (0, 10_000, 0, 10 * DC, RefusalReason.NOT_POSITIVE, 10 * DC),
        (DC + 1, 10_000, 0, 10 * DC, RefusalReason.NOT_WHOLE_DC, 10 * DC),
        (2_001 * DC, 10_000, 0, 5_000 * DC, RefusalReason.PURCHASE_CAP, 1_000 * DC),
        (501 * DC, 100_000, 500 * DC, 5_000 * DC, RefusalReason.DAILY_CAP, 500 * DC),
        (11 * DC, 100_000, 0, 10 * DC + 5, RefusalReason.INSUFFICIENT_BALANCE, 10 * DC),
        (3 * DC, 12, 0, 10 * DC, RefusalReason.PURCHASE_CAP, 2 * DC),  # 20 % of 12 won = 2.4 -> 2
    ],
)
def test_redemption_refusals(
    amount: int, purchase: int, today: int, balance: int, reason: RefusalReason, most: int
) -> None:
    r = check_redemption(amount, purchase, today, balance)
    assert isinstance(r, RedemptionRefused)
    assert (r.reason, r.max_redeemable_micro) == (reason, most)
    assert r.message


@settings(max_examples=300)
@given(
    amount=st.integers(-10 * DC, 3_000 * DC),
    purchase=st.one_of(st.integers(0, 10**8), st.decimals(min_value=0, max_value=10**8, places=2)),
    today=st.integers(0, 1_500 * DC),
    balance=st.integers(0, 5_000 * DC),
    whole=st.booleans(),
)
def test_redemption_caps_hold(
    amount: int, purchase: Decimal | int, today: int, balance: int, whole: bool
) -> None:
    if whole:
        amount -= amount % DC
    r = check_redemption(amount, purchase, today, balance)
    most = max_redeemable_micro(purchase, today, balance)
    assert 0 <= most <= balance and most % DC == 0
    assert most * 5 <= Decimal(purchase) * DC and today + most <= max(today, DAILY_REDEEM_CAP_MICRO)
    if isinstance(r, Redemption):
        assert 0 < r.redeemed_micro <= most
        assert r.burned_micro + r.credited_micro == r.redeemed_micro
        assert r.burned_micro >= 0 and r.credited_micro >= 0
        assert r.burned_micro == r.redeemed_micro // 10
        assert r.discount_krw * DC == r.redeemed_micro
    else:
        assert amount <= 0 or amount % DC or amount > most
        if most:  # what the refusal offers is itself accepted
            assert isinstance(check_redemption(most, purchase, today, balance), Redemption)


@given(st.integers(0, 10**15))
def test_burn_split_adds_up(redeemed: int) -> None:
    burned, credited = split_burn(redeemed)
    assert burned + credited == redeemed and 0 <= burned <= credited


def test_kst_day_and_formatting() -> None:
    # 2024-01-01 15:30 UTC is already 2024-01-02 in Seoul.
    ts = int(dt.datetime(2024, 1, 1, 15, 30, tzinfo=dt.UTC).timestamp() * 1000)
    assert kst_day(ts) == dt.date(2024, 1, 2)
    assert format_dc(1_234_500_000) == "1234.5" and format_dc(-5) == "-0.000005" and format_dc(DC) == "1"
