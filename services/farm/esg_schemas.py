"""Bodies of the ESG endpoints: a submission (the 18 fields of DOMAIN.md) and its history."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict

from pamtalk.events.catalogue import EsgData
from services.farm.vocabulary import Grade


class EsgSubmissionIn(EsgData):
    """The 18 ESG fields with their ranges (numbers must be finite)."""

    model_config = ConfigDict(allow_inf_nan=False)


class EsgAssessmentOut(BaseModel):
    """The prediction service's score of one submission (from ``esg.scored``)."""

    assessment_id: uuid.UUID
    environmental: float
    social: float
    governance: float
    overall: float
    grade: Grade
    token_estimate: int
    valid_until: date
    assessed_at: datetime


class EsgSubmissionOut(BaseModel):
    id: uuid.UUID
    farm_id: uuid.UUID
    submitted_by: uuid.UUID
    submitted_at: datetime
    status: Literal["pending", "scored"]
    data: EsgData
    assessment: EsgAssessmentOut | None = None


class LatestEsg(BaseModel):
    """The farm's current grade: the newest assessment received."""

    assessment_id: uuid.UUID
    score: float
    grade: Grade
    assessed_at: datetime
    valid_until: date | None = None


class EsgHistory(BaseModel):
    farm_id: uuid.UUID
    latest: LatestEsg | None = None
    items: list[EsgSubmissionOut]
    next_cursor: str | None = None
