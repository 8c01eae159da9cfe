"""One ``EsgAssessment`` for every service that shows one: the farm service (the score of
a submission, from ``esg.scored``) and the prediction service (which scores, and adds how
the score was made: ``EsgAssessmentDetail`` in its own schemas). Scores are shown rounded
to two decimals (``Score``); what is stored and signed keeps every digit (``model_dump()`` in Python mode)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

from pydantic import AliasChoices, BaseModel, Field, PlainSerializer

from pamtalk.vocabulary import Grade


def shown_score(value: float) -> float:
    """A score of 0-100 as the API shows it: 42.545100000000005 -> 42.55."""
    return round(value, 2)


Score = Annotated[float, PlainSerializer(shown_score, return_type=float, when_used="json")]


class EsgAssessment(BaseModel):
    id: uuid.UUID = Field(validation_alias=AliasChoices("id", "assessment_id"))
    farm_id: uuid.UUID
    submission_id: uuid.UUID = Field(description="the ESG submission scored")
    environmental: Score = Field(description="E, 0-100")
    social: Score = Field(description="S, 0-100")
    governance: Score = Field(description="G, 0-100")
    overall: Score = Field(description="0.40 E + 0.35 S + 0.25 G")
    grade: Grade
    token_estimate: int = Field(description="ESG-GOLD (DC) estimate")
    assessed_at: datetime
    valid_until: date = Field(description="an assessment is valid for 365 days")
