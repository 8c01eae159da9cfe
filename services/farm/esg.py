"""ESG submissions: store what a farmer submits and publish ``farm.esg_submitted``; record
the score when ``esg.scored`` comes back, and move the farm's grade when it is the newest."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import orjson

from pamtalk.auth.jwks import Principal
from pamtalk.db.tx import Read, Tx
from pamtalk.errors import Problem
from pamtalk.esg_assessment import EsgAssessment, shown_score
from pamtalk.events.catalogue import EsgData, EsgScored, FarmEsgSubmitted
from pamtalk.pagination import decode_cursor, encode_cursor
from services.farm import store
from services.farm.access import check_owner, is_owner, not_found, visible
from services.farm.farms import change_event
from services.farm.ids import uuid7
from services.farm.schemas import (
    EsgHistory,
    EsgSubmissionIn,
    EsgSubmissionOut,
    LatestEsg,
)
from services.farm.vocabulary import grade_rank

log = logging.getLogger("pamtalk.farm.esg")
READERS = {"admin", "committee"}  # besides the owner, who may read a farm's ESG data


async def submit(tx: Tx, principal: Principal, farm_id: uuid.UUID, body: EsgSubmissionIn) -> dict[str, Any]:
    """Store the owner's ESG data (the farm locked) and queue ``farm.esg_submitted``;
    returns the submission with the fields, in the order, of EsgSubmissionOut. A refusal
    (404, 403, 409) is raised after the statement, which then stored nothing."""
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
    farm = await store.esg.submit(tx, {**submission, "data": data.model_dump_json()})
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
    await tx.add_event(event)
    return submission


def submission_out(submission: Mapping[str, Any]) -> EsgSubmissionOut:
    assessment = submission["assessment"]
    return EsgSubmissionOut(
        id=submission["id"],
        farm_id=submission["farm_id"],
        submitted_by=submission["submitted_by"],
        submitted_at=submission["submitted_at"],
        status="scored" if assessment else "pending",
        data=EsgData.model_validate(submission["data"]),
        assessment=EsgAssessment.model_validate(
            {**assessment, "farm_id": submission["farm_id"], "submission_id": submission["id"]}
        )
        if assessment
        else None,
    )


def latest(farm: Mapping[str, Any]) -> LatestEsg | None:
    if farm["esg_assessment_id"] is None or farm["esg_score"] is None or farm["esg_assessed_at"] is None:
        return None
    return LatestEsg.model_validate(
        {
            "assessment_id": farm["esg_assessment_id"],
            "score": farm["esg_score"],
            "grade": farm["esg_grade"],
            "assessed_at": farm["esg_assessed_at"],
            "valid_until": farm["esg_valid_until"],
        }
    )


async def history(
    read: Read, principal: Principal, farm_id: uuid.UUID, cursor: str | None, limit: int
) -> EsgHistory:
    """Submissions newest first (ids are time-ordered), with the farm's current grade; for
    the owner, admins and the ESG committee (404 if the caller cannot see the farm)."""
    farm = visible(principal, await store.farms.grade(read, farm_id))
    if not (is_owner(principal, farm) or principal.role in READERS):
        raise Problem(403, "Only the owner, admins and the ESG committee see ESG data.", type_="forbidden")
    before = None
    if cursor is not None:
        try:
            before = uuid.UUID(str(decode_cursor(cursor, 1)[0]))
        except ValueError as exc:
            raise Problem(
                422, "The cursor is not valid; use next_cursor as given.", type_="invalid-cursor"
            ) from exc
    rows = await store.esg.history(read, farm_id, before, limit + 1)
    items = [submission_out(row) for row in rows[:limit]]
    return EsgHistory(
        farm_id=farm_id,
        latest=latest(farm),
        items=items,
        next_cursor=encode_cursor(items[-1].id) if len(rows) > limit else None,
    )


async def record_score(tx: Tx, event: EsgScored, assessed_at: datetime) -> bool:
    """The assessment stored on its submission, the farm's grade moved and ``farm.updated``
    queued when it is the farm's newest; whether the farm changed."""
    assessment = EsgAssessment.model_validate({**event.model_dump(), "assessed_at": assessed_at})
    farm = await store.esg.record_score(
        tx,
        {
            "farm_id": event.farm_id,
            "submission_id": event.submission_id,
            "assessed_at": assessed_at,
            "assessment": orjson.dumps(assessment.model_dump()).decode(),
            # the farm's score as shown; its assessment keeps every digit
            "score": shown_score(event.overall),
            "grade": event.grade,
            "grade_rank": grade_rank(event.grade),
            "valid_until": event.valid_until,
            "assessment_id": event.assessment_id,
            "updated_at": datetime.now(UTC),
        },
    )
    if farm is not None:
        await tx.add_event(change_event(farm))
        return True
    if not await store.farms.exists(tx, event.farm_id):
        log.warning("esg.scored for an unknown farm ignored", extra={"farm_id": str(event.farm_id)})
    else:
        log.info("older esg.scored does not replace the farm's grade", extra={"farm_id": str(event.farm_id)})
    return False
