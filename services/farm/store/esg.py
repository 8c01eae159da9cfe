"""The SQL of ESG submissions: storing one (its farm locked and checked in the same
statement), a farm's history, and recording an assessment (which moves the farm's grade
when it is the farm's newest)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from asyncpg import Record

from pamtalk.db.statements import sql
from pamtalk.db.tx import Read, Tx
from services.farm.store.farms import SHOWN

# A submission as the API shows it (EsgSubmissionOut, status aside: it follows the assessment).
COLUMNS: tuple[str, ...] = ("id", "farm_id", "submitted_by", "submitted_at", "data", "assessment")

# One statement for a submission: lock the farm, store the submission (its assessment JSON
# null until scored) if the caller owns the farm and it is not suspended, and return the
# farm (owner, status, and what ``farm.esg_submitted`` carries) so a refusal can be told apart.
_SUBMIT = sql(
    """
WITH farm AS (
    SELECT owner_id, status, size_ha, certifications FROM farms WHERE id = :farm_id FOR UPDATE
), stored AS (
    INSERT INTO esg_submissions (id, farm_id, submitted_by, submitted_at, data, assessment)
    SELECT :id, :farm_id, :submitted_by, :submitted_at, CAST(:data AS jsonb), 'null'::jsonb
    FROM farm WHERE owner_id = :submitted_by AND status <> 'suspended'
)
SELECT owner_id, status, size_ha, certifications FROM farm
"""
)
_NEWEST = sql(
    f"SELECT {', '.join(COLUMNS)} FROM esg_submissions WHERE farm_id = :farm_id ORDER BY id DESC LIMIT :limit"
)
_OLDER = sql(
    f"SELECT {', '.join(COLUMNS)} FROM esg_submissions WHERE farm_id = :farm_id AND id < :before "
    "ORDER BY id DESC LIMIT :limit"
)
# One statement for an ``esg.scored``: record the assessment on its submission unless that
# holds a newer one (a re-score may arrive out of order), and move the farm's grade (bumping
# its version) unless it holds a newer one; the farm as written comes back (nothing when its
# grade is newer).
_SCORED = sql(
    f"""
WITH recorded AS (
    UPDATE esg_submissions SET assessment = CAST(:assessment AS jsonb)
    WHERE id = :submission_id AND farm_id = :farm_id
      AND coalesce(CAST(assessment ->> 'assessed_at' AS timestamptz) < :assessed_at, true)
)
UPDATE farms SET
    esg_score = :score, esg_grade = :grade, esg_grade_rank = :grade_rank,
    esg_assessed_at = :assessed_at, esg_valid_until = :valid_until,
    esg_assessment_id = :assessment_id, version = version + 1, updated_at = :updated_at
WHERE id = :farm_id AND (esg_assessed_at IS NULL OR esg_assessed_at < :assessed_at)
RETURNING {SHOWN}
"""
)


async def submit(tx: Tx, submission: Mapping[str, Any]) -> Record | None:
    """Store ``submission`` (``data`` as JSON text) if its submitter owns the farm and the
    farm is not suspended; the farm's owner, status, size and certifications come back
    (None: no such farm), whether it was stored or not."""
    return await tx.fetchrow(_SUBMIT, **submission)


async def history(read: Read, farm_id: uuid.UUID, before: uuid.UUID | None, limit: int) -> list[Record]:
    """Up to ``limit`` submissions of the farm, newest first (ids are time-ordered), older
    than ``before`` when given."""
    if before is None:
        return await read.fetch(_NEWEST, farm_id=farm_id, limit=limit)
    return await read.fetch(_OLDER, farm_id=farm_id, before=before, limit=limit)


async def record_score(tx: Tx, score: Mapping[str, Any]) -> Record | None:
    """Record an assessment (``assessment`` as JSON text) on its submission and move the
    farm's grade; the farm as written, or None when its grade is newer (or no such farm)."""
    return await tx.fetchrow(_SCORED, **score)
