"""What a wallet's owner can do with ESG-GOLD, and the committee's approval of ESG rewards.
Each action runs inside one ``LedgerWriter`` transaction (the ledger lock is held), so the
checks below see balances and today's redemptions exactly as the writes will: the endpoint's
session, whose driver connection (``writer.tx.conn``) runs the ledger's and wallets' plain
statements in the same transaction.

* transfer: from a wallet the caller owns to any custodial wallet or any known wallet;
* redeem: DC as a marketplace discount (``tokens.check_redemption``: whole DC, at most 20 %
  of the purchase, at most 1,000 DC per user per KST day, never more than the balance);
  10 % is burned, the rest is transferred to the treasury wallet;
* approve an ESG reward (committee): mints the assessment's ESG-GOLD estimate once.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import asyncpg
from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from pamtalk.errors import Problem
from services.blockchain import token_ops, wallets
from services.blockchain.ledger_writer import LedgerWriter
from services.blockchain.models import EsgAssessmentRow, Redemption
from services.blockchain.schemas import EsgRewardOut, RedeemIn, RedemptionOut, TransferIn, TransferOut
from services.blockchain.tokens import (
    MICRO_PER_DC,
    RedemptionRefused,
    RefusalReason,
    check_redemption,
    format_dc,
    kst_day,
)


def _insufficient(exc: wallets.InsufficientBalance) -> Problem:
    return Problem(
        409,
        f"The wallet holds {format_dc(exc.balance_micro)} DC; {format_dc(exc.wanted_micro)} DC are needed.",
        type_="insufficient-balance",
        balance_micro=exc.balance_micro,
    )


async def owned_wallet(conn: asyncpg.Connection, owner_id: uuid.UUID, raw_address: str) -> wallets.WalletView:
    """The wallet at ``raw_address`` if ``owner_id`` owns it: 404 if there is none, 403 if not theirs."""
    address = wallets.normalise(raw_address)
    view = await wallets.find(conn, address) if address else None
    if view is None:
        raise Problem(404, "No such wallet.", type_="wallet-not-found")
    if view.owner_id != owner_id:
        raise Problem(403, "Only the owner of a wallet can move its tokens.", type_="not-wallet-owner")
    return view


async def transfer(
    writer: LedgerWriter, owner_id: uuid.UUID, raw_address: str, body: TransferIn
) -> TransferOut:
    conn = writer.tx.conn
    source = await owned_wallet(conn, owner_id, raw_address)
    to_address = wallets.normalise(body.to)
    target = await wallets.find(conn, to_address) if to_address else None
    if target is None:
        raise Problem(404, "The receiving wallet is unknown.", type_="wallet-not-found")
    if target.address == source.address:
        raise Problem(
            422,
            "A transfer needs another wallet.",
            errors=[{"field": "to", "in": "body", "message": "same as the sender", "code": "same_wallet"}],
        )
    reference = f"transfer:{uuid.uuid4()}"
    try:
        entry = await token_ops.transfer(
            writer, source, target, body.amount_micro, reason="transfer", reference=reference
        )
    except wallets.InsufficientBalance as exc:
        raise _insufficient(exc) from exc
    after = await wallets.find(conn, source.address)
    return TransferOut(
        ledger_index=entry.index,
        reference=reference,
        from_wallet=source.address,
        to_wallet=target.address,
        amount_micro=body.amount_micro,
        balance_micro=after.balance_micro if after else 0,
    )


async def redeemed_on(session: AsyncSession, owner_id: uuid.UUID, day: object) -> int:
    total = await session.scalar(
        select(func.coalesce(func.sum(Redemption.amount_micro), 0)).where(
            Redemption.owner_id == owner_id, Redemption.kst_day == day
        )
    )
    return int(total or 0)


async def redeem(
    writer: LedgerWriter,
    session: AsyncSession,
    owner_id: uuid.UUID,
    raw_address: str,
    body: RedeemIn,
    now_ms: int,
) -> RedemptionOut:
    """``writer`` is open in ``session``'s transaction (``LedgerWriter.open_session``)."""
    source = await owned_wallet(writer.tx.conn, owner_id, raw_address)
    day = kst_day(now_ms)
    today = await redeemed_on(session, owner_id, day)
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
    burned = await token_ops.burn(
        writer, source, decision.burned_micro, reason="redemption", reference=f"{reference}:burn"
    )
    treasury = await wallets.ensure(writer.tx.conn, wallets.TREASURY, None)
    credited = await token_ops.transfer(
        writer,
        source,
        treasury,
        decision.credited_micro,
        reason="redemption",
        reference=f"{reference}:credit",
    )
    await session.execute(
        insert(Redemption).values(
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
    )
    after = await wallets.find(writer.tx.conn, source.address)
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


async def approve_esg_reward(
    writer: LedgerWriter, session: AsyncSession, assessment_id: uuid.UUID, approver: uuid.UUID
) -> EsgRewardOut:
    """``writer`` is open in ``session``'s transaction (``LedgerWriter.open_session``)."""
    row = await session.get(EsgAssessmentRow, assessment_id, with_for_update=True)
    if row is None:
        raise Problem(404, "No ESG assessment with this id was recorded.", type_="assessment-not-found")
    if row.approved_at is not None:
        raise Problem(409, "This assessment's reward was approved already.", type_="already-approved")
    wallet = wallets.custodial(row.owner_id)
    amount = row.token_estimate_dc * MICRO_PER_DC
    index: int | None = None
    if amount > 0:
        entry = await token_ops.mint(
            writer,
            wallet,
            row.owner_id,
            amount,
            reason="esg_reward",
            reference=f"esg:{assessment_id}:reward",
            details={
                "assessment_id": str(assessment_id),
                "assessment_entry": row.ledger_index,
                "approved_by": str(approver),
            },
        )
        index = entry.index
    row.approved_by, row.approved_at, row.reward_index = approver, datetime.now(UTC), index
    await session.flush()
    return EsgRewardOut(
        assessment_id=assessment_id,
        wallet=wallet,
        amount_micro=amount,
        ledger_index=index,
        approved_by=approver,
    )
