"""ESG assessments: each ``farm.esg_submitted`` is scored with DOMAIN.md's formula
(``esg_formula.py``), stored in the farm's assessment history and announced as
``esg.scored`` (outbox, same transaction). A submission is scored once: the event id is
claimed in the inbox and ``submission_id`` is unique.

Reading: the farm's owner, admins and the ESG committee, as for the submissions in the farm
service (the item breakdown shows what was submitted; the grade itself is public on the farm)."""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, date, datetime

import orjson
from sqlalchemy import select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from pamtalk.auth.jwks import Principal
from pamtalk.db.outbox import PlainTx
from pamtalk.db.raw import sql
from pamtalk.errors import Problem
from pamtalk.events.catalogue import EsgScored, FarmEsgSubmitted
from pamtalk.events.envelope import Envelope, Event
from services.prediction.esg_formula import score_esg
from services.prediction.keyset import page, read_cursor
from services.prediction.ml.trades import KST
from services.prediction.models import EsgAssessment, outbox
from services.prediction.schemas import EsgAssessmentOut, EsgItemOut, FarmEsgOut

log = logging.getLogger("pamtalk.prediction.esg")
READERS = {"admin", "committee"}


# Plain SQL, in the transaction of the inbox claim (handle_once).
ASSESSMENTS: str = EsgAssessment.__table__.fullname  # type: ignore[attr-defined]
_STORE = sql(
    f"""
INSERT INTO {ASSESSMENTS} (
    id, farm_id, owner_id, submission_id, environmental, social, governance, overall, grade,
    token_estimate, size_factor, tier, volume_bonus, items, assessed_at, valid_until
) VALUES (
    :id, :farm_id, :owner_id, :submission_id, :environmental, :social, :governance, :overall, :grade,
    :token_estimate, :size_factor, :tier, :volume_bonus, CAST(:items AS jsonb), :assessed_at, :valid_until
)
ON CONFLICT (submission_id) DO NOTHING
RETURNING id
"""
)


async def score_submission(tx: PlainTx, event: Event, envelope: Envelope) -> None:
    """Score a submission, store the assessment, publish ``esg.scored``."""
    assert isinstance(event, FarmEsgSubmitted)
    now = datetime.now(UTC)
    scored = score_esg(
        event.esg,
        event.certifications,
        event.size_ha,
        event.yearly_volume,
        assessed_on=now.astimezone(KST).date(),
    )
    assessment_id = uuid.uuid4()
    parts = {"environmental": scored.environmental, "social": scored.social, "governance": scored.governance}
    values = {
        "id": assessment_id,
        "farm_id": event.farm_id,
        "owner_id": event.owner_id,
        "submission_id": event.submission_id,
        **parts,
        "overall": scored.overall,
        "grade": scored.grade,
        "token_estimate": scored.token_estimate,
        "size_factor": scored.size_factor,
        "tier": scored.tier,
        "volume_bonus": scored.volume_bonus,
        "items": orjson.dumps(scored.items).decode(),  # part -> items (dataclasses: as asdict)
        "assessed_at": now,
        "valid_until": scored.valid_until,
    }
    if await tx.conn.fetchval(_STORE.text, *_STORE.args(values)) is None:
        log.info("submission already scored", extra={"submission_id": str(event.submission_id)})
        return
    scored_event = EsgScored(
        assessment_id=assessment_id,
        submission_id=event.submission_id,
        farm_id=event.farm_id,
        owner_id=event.owner_id,
        **parts,
        overall=scored.overall,
        grade=scored.grade,
        token_estimate=scored.token_estimate,
        valid_until=scored.valid_until,
    )
    await tx.add_event(outbox, scored_event, "prediction")


def assessment_out(row: EsgAssessment, on: date) -> EsgAssessmentOut:
    return EsgAssessmentOut(
        id=row.id,
        farm_id=row.farm_id,
        submission_id=row.submission_id,
        environmental=row.environmental,
        social=row.social,
        governance=row.governance,
        overall=row.overall,
        grade=row.grade,  # type: ignore[arg-type]
        token_estimate=row.token_estimate,
        size_factor=row.size_factor,
        tier=row.tier,
        volume_bonus=row.volume_bonus,
        assessed_at=row.assessed_at,
        valid_until=row.valid_until,
        valid=row.valid_until >= on,
        breakdown={part: [EsgItemOut(**item) for item in items] for part, items in row.items.items()},
    )


async def farm_esg(
    session: AsyncSession, principal: Principal, farm_id: uuid.UUID, cursor: str | None, limit: int
) -> FarmEsgOut:
    """The current (newest valid) assessment and a page of the history, newest first."""
    newest = await session.scalar(
        select(EsgAssessment)
        .where(EsgAssessment.farm_id == farm_id)
        .order_by(EsgAssessment.assessed_at.desc(), EsgAssessment.id.desc())
        .limit(1)
    )
    if newest is None:
        raise Problem(404, "This farm has no ESG assessment.", type_="not-found")
    if not (principal.role in READERS or principal.id == newest.owner_id):
        raise Problem(
            403, "Only the owner, admins and the ESG committee see ESG assessments.", type_="forbidden"
        )
    on = datetime.now(UTC).astimezone(KST).date()
    current = await session.scalar(
        select(EsgAssessment)
        .where(EsgAssessment.farm_id == farm_id, EsgAssessment.valid_until >= on)
        .order_by(EsgAssessment.assessed_at.desc(), EsgAssessment.id.desc())
        .limit(1)
    )
    query = select(EsgAssessment).where(EsgAssessment.farm_id == farm_id)
    if cursor is not None:
        query = query.where(tuple_(EsgAssessment.assessed_at, EsgAssessment.id) < read_cursor(cursor))
    query = query.order_by(EsgAssessment.assessed_at.desc(), EsgAssessment.id.desc()).limit(limit + 1)
    rows, next_cursor = page((await session.scalars(query)).all(), limit, ("assessed_at", "id"))
    return FarmEsgOut(
        farm_id=farm_id,
        current=assessment_out(current, on) if current is not None else None,
        history=[assessment_out(r, on) for r in rows],
        next_cursor=next_cursor,
    )
