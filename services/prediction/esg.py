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

from asyncpg import Record

from pamtalk.auth.jwks import Principal
from pamtalk.db.tx import Read, Tx
from pamtalk.errors import Problem
from pamtalk.events.catalogue import EsgScored, FarmEsgSubmitted
from pamtalk.events.envelope import Envelope
from services.prediction.esg_formula import score_esg
from services.prediction.keyset import page, read_cursor
from services.prediction.ml.trades import KST
from services.prediction.schemas import EsgAssessmentDetail, EsgItemOut, FarmEsgOut
from services.prediction.store import esg_assessments

log = logging.getLogger("pamtalk.prediction.esg")
READERS = {"admin", "committee"}


async def score_submission(tx: Tx, event: FarmEsgSubmitted, envelope: Envelope) -> None:
    """Score a submission, store the assessment, publish ``esg.scored``."""
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
    stored = await esg_assessments.insert(
        tx,
        {
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
            "items": scored.items,  # part -> items (dataclasses)
            "assessed_at": now,
            "valid_until": scored.valid_until,
        },
    )
    if not stored:
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
    await tx.add_event(scored_event)


def assessment_out(row: Record, on: date) -> EsgAssessmentDetail:
    return EsgAssessmentDetail(
        id=row["id"],
        farm_id=row["farm_id"],
        submission_id=row["submission_id"],
        environmental=row["environmental"],
        social=row["social"],
        governance=row["governance"],
        overall=row["overall"],
        grade=row["grade"],
        token_estimate=row["token_estimate"],
        size_factor=row["size_factor"],
        tier=row["tier"],
        volume_bonus=row["volume_bonus"],
        assessed_at=row["assessed_at"],
        valid_until=row["valid_until"],
        valid=row["valid_until"] >= on,
        breakdown={part: [EsgItemOut(**item) for item in items] for part, items in row["items"].items()},
    )


async def farm_esg(
    read: Read, principal: Principal, farm_id: uuid.UUID, cursor: str | None, limit: int
) -> FarmEsgOut:
    """The current (newest valid) assessment and a page of the history, newest first."""
    owner = await esg_assessments.newest_owner(read, farm_id)
    if owner is None:
        raise Problem(404, "This farm has no ESG assessment.", type_="not-found")
    if not (principal.role in READERS or principal.id == owner):
        raise Problem(
            403, "Only the owner, admins and the ESG committee see ESG assessments.", type_="forbidden"
        )
    on = datetime.now(UTC).astimezone(KST).date()
    current = await esg_assessments.current(read, farm_id, on)
    after = read_cursor(cursor) if cursor is not None else None
    rows, next_cursor = page(
        await esg_assessments.page(read, farm_id, after, limit + 1), limit, ("assessed_at", "id")
    )
    return FarmEsgOut(
        farm_id=farm_id,
        current=assessment_out(current, on) if current is not None else None,
        history=[assessment_out(r, on) for r in rows],
        next_cursor=next_cursor,
    )
