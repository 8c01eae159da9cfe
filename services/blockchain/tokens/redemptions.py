"""Redeeming DC as a marketplace discount (``rules.check_redemption``: whole DC, at most 20 %
of the purchase, at most 1,000 DC per user per KST day, never more than the balance): 10 % is
burned, the rest is transferred to the treasury wallet. Runs in one ``LedgerWriter``
transaction, so today's redemptions and the balance are read exactly as the writes see them."""

from __future__ import annotations

import uuid

from pamtalk.errors import Problem
from services.blockchain.append import LedgerWriter
from services.blockchain.schemas import RedeemIn, RedemptionOut
from services.blockchain.store import redemptions
from services.blockchain.tokens import movements, wallets
from services.blockchain.tokens.rules import RedemptionRefused, RefusalReason, check_redemption, kst_day


async def redeem(
    writer: LedgerWriter, owner_id: uuid.UUID, raw_address: str, body: RedeemIn, now_ms: int
) -> RedemptionOut:
    tx = writer.tx
    source = await wallets.owned_wallet(tx, owner_id, raw_address)
    day = kst_day(now_ms)
    today = await redemptions.redeemed_on(tx, owner_id, day)
    decision = check_redemption(body.amount_micro, body.purchase_krw, today, source.balance_micro)
    if isinstance(decision, RedemptionRefused):
        status = 409 if decision.reason is RefusalReason.INSUFFICIENT_BALANCE else 422
        raise Problem(
            status,
            decision.message,
            type_="insufficient-balance" if status == 409 else "redemption-refused",
            reason=decision.reason.value,
            max_redeemable_micro=decision.max_redeemable_micro,
        )
    redemption_id = uuid.uuid4()
    reference = f"redemption:{redemption_id}"
    burned = await movements.burn(
        writer, source, decision.burned_micro, reason="redemption", reference=f"{reference}:burn"
    )
    treasury = await wallets.ensure(tx, wallets.TREASURY, None)
    credited = await movements.transfer(
        writer,
        source,
        treasury,
        decision.credited_micro,
        reason="redemption",
        reference=f"{reference}:credit",
    )
    await redemptions.insert(
        tx,
        id=redemption_id,
        wallet=source.address,
        owner_id=owner_id,
        kst_day=day,
        amount_micro=decision.redeemed_micro,
        burned_micro=decision.burned_micro,
        credited_micro=decision.credited_micro,
        purchase_krw=body.purchase_krw,
        discount_krw=decision.discount_krw,
        burn_index=burned.index,
        credit_index=credited.index,
    )
    after = await wallets.find(tx, source.address)
    return RedemptionOut(
        redemption_id=redemption_id,
        wallet=source.address,
        redeemed_micro=decision.redeemed_micro,
        burned_micro=decision.burned_micro,
        credited_micro=decision.credited_micro,
        discount_krw=decision.discount_krw,
        burn_index=burned.index,
        credit_index=credited.index,
        redeemed_today_micro=today + decision.redeemed_micro,
        balance_micro=after.balance_micro if after else 0,
    )
