"""ESG submissions: store what a farmer submits and publish ``farm.esg_submitted``; record
the score when ``esg.scored`` comes back, and move the farm's grade when it is the newest."""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pamtalk.db.outbox import add_event
from pamtalk.errors import Problem
from pamtalk.events.catalogue import EsgData, EsgScored, FarmEsgSubmitted
from pamtalk.events.envelope import Envelope, Event
from pamtalk.pagination import decode_cursor, encode_cursor
from services.farm.esg_schemas import (
    EsgAssessmentOut,
    EsgHistory,
    EsgSubmissionIn,
    EsgSubmissionOut,
    LatestEsg,
)
from services.farm.farms import publish_change
from services.farm.ids import uuid7
from services.farm.models import EsgSubmission, Farm, outbox
from services.farm.vocabulary import grade_rank

log = logging.getLogger("pamtalk.farm.esg")


async def submit(
    session: AsyncSession, farm: Farm, submitted_by: uuid.UUID, body: EsgSubmissionIn
) -> EsgSubmission:
    if farm.status == "suspended":
        raise Problem(409, "A suspended farm cannot submit ESG data.", type_="farm-suspended")
    data = EsgData.model_validate(body.model_dump())
    submission = EsgSubmission(
        id=uuid7(),
        farm_id=farm.id,
        submitted_by=submitted_by,
        submitted_at=datetime.now(UTC),
        data=data.model_dump(mode="json"),
        assessment=None,
    )
    session.add(submission)
    await session.flush()
    event = FarmEsgSubmitted(
        submission_id=submission.id,
        farm_id=farm.id,
        owner_id=farm.owner_id,
        size_ha=farm.size_ha,
        certifications=list(farm.certifications),
        yearly_volume=0.0,  # trade volume comes with the transaction service
        esg=data,
    )
    await add_event(session, outbox, event, "farm")
    return submission


def submission_out(submission: EsgSubmission) -> EsgSubmissionOut:
    assessment = submission.assessment
    return EsgSubmissionOut(
        id=submission.id,
        farm_id=submission.farm_id,
        submitted_by=submission.submitted_by,
        submitted_at=submission.submitted_at,
        status="scored" if assessment else "pending",
        data=EsgData.model_validate(submission.data),
        assessment=EsgAssessmentOut.model_validate(assessment) if assessment else None,
    )


def latest(farm: Farm) -> LatestEsg | None:
    if farm.esg_assessment_id is None or farm.esg_score is None or farm.esg_assessed_at is None:
        return None
    return LatestEsg.model_validate(
        {
            "assessment_id": farm.esg_assessment_id,
            "score": farm.esg_score,
            "grade": farm.esg_grade,
            "assessed_at": farm.esg_assessed_at,
            "valid_until": farm.esg_valid_until,
        }
    )


async def history(session: AsyncSession, farm: Farm, cursor: str | None, limit: int) -> EsgHistory:
    """Submissions newest first (ids are time-ordered), with the farm's current grade."""
    statement = select(EsgSubmission).where(EsgSubmission.farm_id == farm.id)
    if cursor is not None:
        try:
            before = uuid.UUID(str(decode_cursor(cursor, 1)[0]))
        except ValueError as exc:
            raise Problem(
                422, "The cursor is not valid; use next_cursor as given.", type_="invalid-cursor"
            ) from exc
        statement = statement.where(EsgSubmission.id < before)
    rows = list((await session.scalars(statement.order_by(EsgSubmission.id.desc()).limit(limit + 1))).all())
    items = [submission_out(row) for row in rows[:limit]]
    more = len(rows) > limit
    return EsgHistory(
        farm_id=farm.id,
        latest=latest(farm),
        items=items,
        next_cursor=encode_cursor(items[-1].id) if more else None,
    )


def _record_on_submission(submission: EsgSubmission, event: EsgScored, assessed_at: datetime) -> None:
    """Keep the newest assessment of a submission (a re-score may arrive out of order)."""
    current = submission.assessment
    if current is not None and EsgAssessmentOut.model_validate(current).assessed_at >= assessed_at:
        return
    assessment = EsgAssessmentOut.model_validate({**event.model_dump(), "assessed_at": assessed_at})
    submission.assessment = assessment.model_dump(mode="json")


async def apply_scored(session: AsyncSession, event: Event, envelope: Envelope) -> None:
    """Effect of ``esg.scored`` (run once per event id by the inbox)."""
    assert isinstance(event, EsgScored)
    farm = await session.scalar(select(Farm).where(Farm.id == event.farm_id).with_for_update())
    if farm is None:
        log.warning("esg.scored for an unknown farm ignored", extra={"farm_id": str(event.farm_id)})
        return
    assessed_at = envelope.occurred_at
    submission = await session.get(EsgSubmission, event.submission_id)
    if submission is not None and submission.farm_id == farm.id:
        _record_on_submission(submission, event, assessed_at)
    if farm.esg_assessed_at is not None and farm.esg_assessed_at >= assessed_at:
        log.info("older esg.scored does not replace the farm's grade", extra={"farm_id": str(farm.id)})
        return
    farm.esg_score = event.overall
    farm.esg_grade = event.grade
    farm.esg_grade_rank = grade_rank(event.grade)
    farm.esg_assessed_at = assessed_at
    farm.esg_valid_until = event.valid_until
    farm.esg_assessment_id = event.assessment_id
    await publish_change(session, farm)
