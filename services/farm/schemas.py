"""Request and response bodies of the farm API: a farm, and its ESG submissions and history."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from pamtalk.bodies import RequestBody
from pamtalk.esg_assessment import EsgAssessment, Score
from pamtalk.events.catalogue import EsgData
from services.farm.fields import (
    Address,
    Certifications,
    Crops,
    Email,
    Established,
    Latitude,
    Longitude,
    Name,
    Phone,
    SizeHa,
    Wallet,
)
from services.farm.vocabulary import Certification, Crop, Grade, Region, Status


class FarmIn(RequestBody):
    """A new farm; its owner is the caller."""

    name: Name
    region: Region
    latitude: Latitude
    longitude: Longitude
    address: Address | None = None
    size_ha: SizeHa
    established: Established
    contact_phone: Phone
    contact_email: Email
    certifications: Certifications = Field(default_factory=list)
    crops: Crops
    wallet_address: Wallet | None = None


_KEEP: Any = None  # default of a PATCH field: absent means "keep" (defaults are not validated)


def _no_defaults(schema: dict[str, Any]) -> None:
    """Absent means "keep": the schema shows no default (null is not a valid value)."""
    for prop in schema.get("properties", {}).values():
        prop.pop("default", None)


class FarmPatch(RequestBody):
    """Fields to change; absent fields stay as they are. Only address and wallet_address
    may be cleared with null."""

    model_config = ConfigDict(json_schema_extra=_no_defaults)
    name: Name = _KEEP
    region: Region = _KEEP
    latitude: Latitude = _KEEP
    longitude: Longitude = _KEEP
    address: Address | None = _KEEP
    size_ha: SizeHa = _KEEP
    established: Established = _KEEP
    contact_phone: Phone = _KEEP
    contact_email: Email = _KEEP
    certifications: Certifications = _KEEP
    crops: Crops = _KEEP
    wallet_address: Wallet | None = _KEEP

    def changes(self) -> dict[str, object]:
        return self.model_dump(exclude_unset=True)


_PERSONAL = "personal data: null in public answers (GET /farms/{id}/contact for signed-in users)"


class FarmContact(BaseModel):
    """Who runs a farm and how to reach them: for signed-in users only."""

    farm_id: uuid.UUID
    owner_id: uuid.UUID
    contact_phone: str
    contact_email: str


class FarmOut(BaseModel):
    id: uuid.UUID
    owner_id: uuid.UUID | None = Field(description=_PERSONAL)
    name: str
    region: Region
    latitude: float
    longitude: float
    address: str | None = None
    size_ha: float
    established: date
    contact_phone: str | None = Field(description=_PERSONAL)
    contact_email: str | None = Field(description=_PERSONAL)
    certifications: list[Certification]
    crops: list[Crop]
    status: Status
    wallet_address: str | None = None
    esg_score: Score | None = None
    esg_grade: Grade | None = None
    esg_assessed_at: datetime | None = None
    esg_valid_until: date | None = None
    created_at: datetime
    updated_at: datetime
    version: int = Field(description="Bumped by every change; the ETag is built from it")
    distance_km: float | None = Field(default=None, description="Only in 'near' searches")


class Term(BaseModel):
    code: str
    name: str
    name_ko: str


class CertificationTerm(Term):
    esg_points: int = Field(description="Points toward the governance part of the ESG score")


class EsgSubmissionIn(RequestBody, EsgData):
    """The 18 ESG fields with their ranges (numbers must be finite)."""

    model_config = ConfigDict(allow_inf_nan=False)


class EsgSubmissionOut(BaseModel):
    id: uuid.UUID
    farm_id: uuid.UUID
    submitted_by: uuid.UUID
    submitted_at: datetime
    status: Literal["pending", "scored"]
    data: EsgData
    assessment: EsgAssessment | None = None


class LatestEsg(BaseModel):
    """The farm's current grade: the newest assessment received."""

    assessment_id: uuid.UUID
    score: Score
    grade: Grade
    assessed_at: datetime
    valid_until: date | None = None


class EsgHistory(BaseModel):
    farm_id: uuid.UUID
    latest: LatestEsg | None = None
    items: list[EsgSubmissionOut]
    next_cursor: str | None = None
