"""ESG submissions: store what a farmer submits and publish ``farm.esg_submitted``; record
the score when ``esg.scored`` comes back, and move the farm's grade when it is the newest."""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.ext.asyncio import AsyncSession

from pamtalk.auth.jwks import Principal
from pamtalk.db.outbox import PlainTx
from pamtalk.db.raw import sql
from pamtalk.errors import Problem
from pamtalk.events.catalogue import EsgData, EsgScored, FarmEsgSubmitted
from pamtalk.events.envelope import Envelope, Event
from pamtalk.pagination import decode_cursor, encode_cursor
from services.farm.access import check_owner, not_found
from services.farm.esg_schemas import (
    EsgAssessmentOut,
    EsgHistory,
    EsgSubmissionIn,
    EsgSubmissionOut,
    LatestEsg,
)
from services.farm.farms import SNAPSHOT_FIELDS, change_event
from services.farm.ids import uuid7
from services.farm.models import EsgSubmission, Farm, outbox
from services.farm.rows import FARMS
from services.farm.vocabulary import grade_rank

log = logging.getLogger("pamtalk.farm.esg")


SUBMISSIONS: Table = EsgSubmission.__table__  # type: ignore[assignment]

# One statement for a submission: lock the farm, store the submission (its assessment JSON
# null until scored) if the caller owns the farm and it is not suspended, and return the
# farm (owner, status, and what ``farm.esg_submitted`` carries) so a refusal can be told apart.
_SUBMIT = sql(
    f"""
WITH farm AS (
    SELECT owner_id, status, size_ha, certifications FROM {FARMS.fullname} WHERE id = :farm_id FOR UPDATE
), stored AS (
    INSERT INTO {SUBMISSIONS.fullname} (id, farm_id, submitted_by, submitted_at, data, assessment)
    SELECT :id, :farm_id, :submitted_by, :submitted_at, CAST(:data AS jsonb), 'null'::jsonb
    FROM farm WHERE owner_id = :submitted_by AND status <> 'suspended'
)
SELECT owner_id, status, size_ha, certifications FROM farm
"""
)


async def submit(
    tx: PlainTx, principal: Principal, farm_id: uuid.UUID, body: EsgSubmissionIn
) -> dict[str, Any]:
    """Store the owner's ESG data (the farm locked) and queue ``farm.esg_submitted``, in
    the endpoint's plain transaction; returns the submission with the fields, in the order,
    of EsgSubmissionOut. A refusal (404, 403, 409) is raised after the statement, which then
    stored nothing."""
    data = EsgData.model_validate(body.model_dump())
    submission: dict[str, Any] = {
        "id": uuid7(),
        "farm_id": farm_id,
        "submitted_by": principal.id,
        "submitted_at": datetime.now(UTC),
        "status": "pending",
        "data": data.model_dump(mode="json"),
        "assessment": None,
    }
    farm = await tx.conn.fetchrow(_SUBMIT.text, *_SUBMIT.args({**submission, "data": data.model_dump_json()}))
    if farm is None:
        raise not_found()
    check_owner(principal, farm["owner_id"], farm["status"])
    if farm["status"] == "suspended":
        raise Problem(409, "A suspended farm cannot submit ESG data.", type_="farm-suspended")
    event = FarmEsgSubmitted(
        submission_id=submission["id"],
        farm_id=farm_id,
        owner_id=farm["owner_id"],
        size_ha=farm["size_ha"],
        certifications=list(farm["certifications"]),
        yearly_volume=0.0,  # trade volume comes with the transaction service
        esg=data,
    )
    await tx.add_event(outbox, event, "farm")
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


# Plain SQL, in the transaction of the inbox claim (handle_once). One statement for an
# ``esg.scored``: record the assessment on its submission unless that holds a newer one (a
# re-score may arrive out of order), and move the farm's grade (bumping its version) unless
# it holds a newer one; the farm as written comes back (nothing when its grade is newer).
_SCORED = sql(
    f"""
WITH recorded AS (
    UPDATE {SUBMISSIONS.fullname} SET assessment = CAST(:new_assessment AS jsonb)
    WHERE id = :submission AND farm_id = :farm
      AND coalesce(CAST(assessment ->> 'assessed_at' AS timestamptz) < :assessed_at, true)
)
UPDATE {FARMS.fullname} SET
    esg_score = :score, esg_grade = :grade, esg_grade_rank = :grade_rank,
    esg_assessed_at = :assessed_at, esg_valid_until = :valid_until,
    esg_assessment_id = :assessment_id, version = version + 1, updated_at = :now
WHERE id = :farm AND (esg_assessed_at IS NULL OR esg_assessed_at < :assessed_at)
RETURNING id, {", ".join(SNAPSHOT_FIELDS)}
"""
)
_FARM_EXISTS = f"SELECT 1 FROM {FARMS.fullname} WHERE id = $1"


async def apply_scored(tx: PlainTx, event: Event, envelope: Envelope) -> None:
    """Effect of ``esg.scored`` (run once per event id by the inbox): the assessment stored,
    the farm's grade moved and ``farm.updated`` queued when it is the farm's newest. The
    consumer invalidates the list cache after the commit."""
    assert isinstance(event, EsgScored)
    assessed_at = envelope.occurred_at
    assessment = EsgAssessmentOut.model_validate({**event.model_dump(), "assessed_at": assessed_at})
    params = {
        "farm": event.farm_id,
        "submission": event.submission_id,
        "assessed_at": assessed_at,
        "new_assessment": assessment.model_dump_json(),
        "score": event.overall,
        "grade": event.grade,
        "grade_rank": grade_rank(event.grade),
        "valid_until": event.valid_until,
        "assessment_id": event.assessment_id,
        "now": datetime.now(UTC),
    }
    farm = await tx.conn.fetchrow(_SCORED.text, *_SCORED.args(params))
    if farm is not None:
        await tx.add_event(outbox, change_event(farm), "farm")
    elif await tx.conn.fetchval(_FARM_EXISTS, event.farm_id) is None:
        log.warning("esg.scored for an unknown farm ignored", extra={"farm_id": str(event.farm_id)})
    else:
        log.info("older esg.scored does not replace the farm's grade", extra={"farm_id": str(event.farm_id)})
