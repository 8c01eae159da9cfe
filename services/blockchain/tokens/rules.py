"""ESG-GOLD (unit DC) rules, pure: amounts are integers of micro-DC (6 decimals).

* Reward for a settled trade: ``(trade value // 1000) x (1 + producer ESG / 100)`` DC,
  rounded *down* to the micro-DC (never mint more than the rule gives).
* Redemption as a marketplace discount: 1 DC = 1 KRW, in whole DC (a discount is whole won);
  at most 20 % of the purchase (rounded down to the won), at most 1,000 DC per user per
  Korean calendar day (KST), never more than the balance. 10 % of what is redeemed is burned,
  the rest is credited (to the account the service chooses, e.g. the seller or the treasury).

Inputs are ``int`` or ``Decimal`` (floats are refused: no binary rounding in money).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal, localcontext
from enum import StrEnum

MICRO_PER_DC = 1_000_000
REDEEM_PURCHASE_PERCENT = 20
DAILY_REDEEM_CAP_MICRO = 1_000 * MICRO_PER_DC
BURN_PERCENT = 10
KST = dt.timezone(dt.timedelta(hours=9), "KST")


def _decimal(value: Decimal | int, what: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"{what} must be an int or a Decimal, not {type(value).__name__}")
    d = Decimal(value)
    if not d.is_finite():
        raise ValueError(f"{what} must be finite")
    return d


def _micro(value: int, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what} must be an integer amount of micro-DC")
    if value < 0:
        raise ValueError(f"{what} must not be negative")
    return value


def trade_reward_micro(trade_value_krw: Decimal | int, producer_esg: Decimal | int) -> int:
    """Micro-DC minted to the producer for a settled trade."""
    value = _decimal(trade_value_krw, "trade value")
    esg = _decimal(producer_esg, "producer ESG score")
    if value < 0:
        raise ValueError("trade value must not be negative")
    if not 0 <= esg <= 100:
        raise ValueError("producer ESG score must be within 0-100")
    with localcontext() as ctx:
        ctx.prec = 80
        thousands = value // 1000  # whole thousands of won (value >= 0, so this is a floor)
        # thousands x (1 + esg/100) DC = thousands x (100 + esg) x 10_000 micro-DC
        micro = (thousands * (100 + esg) * (MICRO_PER_DC // 100)).to_integral_value(rounding=ROUND_FLOOR)
    return int(micro)


def split_burn(redeemed_micro: int) -> tuple[int, int]:
    """``(burned, credited)`` for a redeemed amount: 10 % burned (rounded down), the rest credited."""
    redeemed = _micro(redeemed_micro, "redeemed amount")
    burned = redeemed * BURN_PERCENT // 100
    return burned, redeemed - burned


def purchase_cap_micro(purchase_krw: Decimal | int) -> int:
    """20 % of the purchase, rounded down to the won, in micro-DC."""
    purchase = _decimal(purchase_krw, "purchase amount")
    if purchase < 0:
        raise ValueError("purchase amount must not be negative")
    with localcontext() as ctx:
        ctx.prec = 80
        won = (purchase * REDEEM_PURCHASE_PERCENT / 100).to_integral_value(rounding=ROUND_FLOOR)
    return int(won) * MICRO_PER_DC


def max_redeemable_micro(purchase_krw: Decimal | int, redeemed_today_micro: int, balance_micro: int) -> int:
    """The most a user may redeem on this purchase now (whole DC, possibly 0)."""
    left_today = max(0, DAILY_REDEEM_CAP_MICRO - _micro(redeemed_today_micro, "redeemed today"))
    most = min(purchase_cap_micro(purchase_krw), left_today, _micro(balance_micro, "balance"))
    return most - most % MICRO_PER_DC


class RefusalReason(StrEnum):
    NOT_POSITIVE = "not_positive"
    NOT_WHOLE_DC = "not_whole_dc"
    PURCHASE_CAP = "purchase_cap"
    DAILY_CAP = "daily_cap"
    INSUFFICIENT_BALANCE = "insufficient_balance"


@dataclass(frozen=True)
class Redemption:
    """An accepted redemption: the discount and how the redeemed DC are split."""

    redeemed_micro: int
    burned_micro: int
    credited_micro: int
    discount_krw: int


@dataclass(frozen=True)
class RedemptionRefused:
    reason: RefusalReason
    message: str
    max_redeemable_micro: int


def check_redemption(
    amount_micro: int, purchase_krw: Decimal | int, redeemed_today_micro: int, balance_micro: int
) -> Redemption | RedemptionRefused:
    """Accept ``amount_micro`` as a discount on ``purchase_krw``, or say why not.

    ``redeemed_today_micro`` is what the user already redeemed this KST day (see
    :func:`kst_day`); the caller sums it from the ledger under the same lock it writes with.
    """
    if isinstance(amount_micro, bool) or not isinstance(amount_micro, int):
        raise TypeError("amount must be an integer amount of micro-DC")
    most = max_redeemable_micro(purchase_krw, redeemed_today_micro, balance_micro)

    def refuse(reason: RefusalReason, message: str) -> RedemptionRefused:
        return RedemptionRefused(reason, message, most)

    if amount_micro <= 0:
        return refuse(RefusalReason.NOT_POSITIVE, "the amount to redeem must be positive")
    if amount_micro % MICRO_PER_DC:
        return refuse(RefusalReason.NOT_WHOLE_DC, "redeem whole DC only (1 DC = 1 KRW)")
    if amount_micro > purchase_cap_micro(purchase_krw):
        return refuse(RefusalReason.PURCHASE_CAP, "at most 20 % of the purchase can be paid in DC")
    if redeemed_today_micro + amount_micro > DAILY_REDEEM_CAP_MICRO:
        return refuse(RefusalReason.DAILY_CAP, "at most 1,000 DC can be redeemed per day")
    if amount_micro > balance_micro:
        return refuse(RefusalReason.INSUFFICIENT_BALANCE, "the balance is lower than the amount")
    burned, credited = split_burn(amount_micro)
    return Redemption(amount_micro, burned, credited, amount_micro // MICRO_PER_DC)


def kst_day(timestamp_ms: int) -> dt.date:
    """The Korean calendar day of a timestamp: the unit of the daily redemption cap."""
    return dt.datetime.fromtimestamp(timestamp_ms / 1000, tz=KST).date()


def format_dc(micro: int) -> str:
    """``1234500000`` -> ``"1234.5"`` (for messages; amounts stay integers elsewhere)."""
    sign = "-" if micro < 0 else ""
    whole, frac = divmod(abs(micro), MICRO_PER_DC)
    return f"{sign}{whole}" + (f".{frac:06d}".rstrip("0") if frac else "")
