"""Request and response bodies of the prediction API."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from pamtalk.bodies import RequestBody

from pamtalk.esg_assessment import EsgAssessment
from pamtalk.vocabulary import RiskBand as Risk

Name = Annotated[str, Field(min_length=1, max_length=40)]
JobStatus = Literal["queued", "running", "succeeded", "failed"]


class DataWindow(BaseModel):
    start: date
    end: date


class ForecastPointOut(BaseModel):
    date: date
    demand: float
    lower: float = Field(description="calibrated 80 % interval: demand below it on about 10 % of days")
    upper: float = Field(description="calibrated 80 % interval: demand above it on about 10 % of days")


class ForecastOut(BaseModel):
    crop: str
    region: str = Field(description="the demand-model region (a province is folded into its region)")
    start: date
    days: int
    points: list[ForecastPointOut]
    total: float
    model_version: str
    data_source: str = Field(description="what the model was trained on: generated or platform")
    data_window: DataWindow
    history_source: Literal["platform", "generated"] = Field(
        description="the 28 days before start: the platform's settled trades, or generated demand"
    )
    notes: list[str]


class ModelInfo(BaseModel):
    version: str
    data_source: str
    data_note: str
    data_window: DataWindow
    crops: list[str]
    regions: list[str]
    max_days: int
    backtest: dict[str, Any]


class JobIn(RequestBody):
    """A batch of forecasts: every crop x region given (all of them when left out)."""

    crops: list[Name] | None = Field(default=None, min_length=1, max_length=20)
    regions: list[Name] | None = Field(default=None, min_length=1, max_length=40)
    days: int = Field(default=7, ge=1, le=28)


class JobRequest(BaseModel):
    crops: list[str]
    regions: list[str]
    days: int
    start: date


class JobAccepted(BaseModel):
    id: uuid.UUID
    status: JobStatus
    url: str


class JobSummary(JobAccepted):
    request: JobRequest
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    error: str | None = None


class JobResult(BaseModel):
    count: int
    forecasts: list[ForecastOut]


class JobOut(JobSummary):
    result: JobResult | None = None


class JobPage(BaseModel):
    items: list[JobSummary]
    next_cursor: str | None = None


class EsgItemOut(BaseModel):
    name: str
    value: Any = Field(description="the submitted value behind the item")
    score: float = Field(description="0-100")
    weight: int = Field(description="weight in its part, %")
    contribution: float = Field(description="score x weight / 100: points of the part")


class EsgAssessmentDetail(EsgAssessment):
    """An assessment with how it was made."""

    size_factor: float
    tier: float
    volume_bonus: float
    valid: bool
    breakdown: dict[str, list[EsgItemOut]] = Field(description="environmental, social, governance")


class FarmEsgOut(BaseModel):
    farm_id: uuid.UUID
    current: EsgAssessmentDetail | None = Field(description="the newest assessment still valid")
    history: list[EsgAssessmentDetail] = Field(description="every assessment, newest first (keyset pages)")
    next_cursor: str | None = None


class SignalOut(BaseModel):
    name: str
    strength: float
    weight: float
    reason: str


class AnomalyOut(BaseModel):
    transaction_id: uuid.UUID
    farm_id: uuid.UUID
    producer_id: uuid.UUID
    buyer_id: uuid.UUID
    crop: str
    score: float
    risk: Risk
    reasons: list[str]
    signals: list[SignalOut]
    isolation_score: float | None = None
    trade_created_at: datetime
    scored_at: datetime


class AnomalyPage(BaseModel):
    items: list[AnomalyOut]
    next_cursor: str | None = None
