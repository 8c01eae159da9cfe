"""The ESG assessments' SQL: each recorded assessment (its ledger entry, its ESG-GOLD estimate
in whole DC) and, once a committee member approved it, who did, when, and the reward's entry."""

from __future__ import annotations

import uuid
from datetime import datetime

from asyncpg import Record

from pamtalk.db.statements import sql
from pamtalk.db.tx import Tx

_INSERT = sql(
    "INSERT INTO esg_assessments (assessment_id, farm_id, owner_id, grade, token_estimate_dc, ledger_index) "
    "VALUES (:assessment_id, :farm_id, :owner_id, :grade, :token_estimate_dc, :ledger_index)"
)
_FOR_APPROVAL = sql(
    "SELECT owner_id, token_estimate_dc, ledger_index, approved_at FROM esg_assessments "
    "WHERE assessment_id = :assessment_id FOR UPDATE"
)
_APPROVE = sql(
    "UPDATE esg_assessments SET approved_by = :approved_by, approved_at = :approved_at, "
    "reward_index = :reward_index WHERE assessment_id = :assessment_id"
)


async def insert(
    tx: Tx,
    assessment_id: uuid.UUID,
    farm_id: uuid.UUID,
    owner_id: uuid.UUID,
    grade: str,
    token_estimate_dc: int,
    ledger_index: int,
) -> None:
    await tx.execute(
        _INSERT,
        assessment_id=assessment_id,
        farm_id=farm_id,
        owner_id=owner_id,
        grade=grade,
        token_estimate_dc=token_estimate_dc,
        ledger_index=ledger_index,
    )


async def for_approval(tx: Tx, assessment_id: uuid.UUID) -> Record | None:
    """``owner_id``, ``token_estimate_dc``, ``ledger_index`` and ``approved_at``, the row
    locked for the rest of ``tx``."""
    return await tx.fetchrow(_FOR_APPROVAL, assessment_id=assessment_id)


async def approve(
    tx: Tx, assessment_id: uuid.UUID, approved_by: uuid.UUID, approved_at: datetime, reward_index: int | None
) -> None:
    await tx.execute(
        _APPROVE,
        assessment_id=assessment_id,
        approved_by=approved_by,
        approved_at=approved_at,
        reward_index=reward_index,
    )
