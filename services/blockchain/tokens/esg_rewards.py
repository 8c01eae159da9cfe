"""The committee's approval of an ESG assessment's reward: mints the assessment's ESG-GOLD
estimate once, to the owner's custodial wallet (the ``esg.scored`` event names no wallet).
Runs in one ``LedgerWriter`` transaction; the assessment's row is locked as it is read."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from pamtalk.errors import Problem
from services.blockchain.append import LedgerWriter
from services.blockchain.schemas import EsgRewardOut
from services.blockchain.store import assessments
from services.blockchain.tokens import movements, wallets
from services.blockchain.tokens.rules import MICRO_PER_DC


async def approve(writer: LedgerWriter, assessment_id: uuid.UUID, approver: uuid.UUID) -> EsgRewardOut:
    row = await assessments.for_approval(writer.tx, assessment_id)
    if row is None:
        raise Problem(404, "No ESG assessment with this id was recorded.", type_="assessment-not-found")
    if row["approved_at"] is not None:
        raise Problem(409, "This assessment's reward was approved already.", type_="already-approved")
    owner_id: uuid.UUID = row["owner_id"]
    wallet = wallets.custodial(owner_id)
    amount = int(row["token_estimate_dc"]) * MICRO_PER_DC
    index: int | None = None
    if amount > 0:
        entry = await movements.mint(
            writer,
            wallet,
            owner_id,
            amount,
            reason="esg_reward",
            reference=f"esg:{assessment_id}:reward",
            details={
                "assessment_id": str(assessment_id),
                "assessment_entry": row["ledger_index"],
                "approved_by": str(approver),
            },
        )
        index = entry.index
    await assessments.approve(writer.tx, assessment_id, approver, datetime.now(UTC), index)
    return EsgRewardOut(
        assessment_id=assessment_id,
        wallet=wallet,
        amount_micro=amount,
        ledger_index=index,
        approved_by=approver,
    )
