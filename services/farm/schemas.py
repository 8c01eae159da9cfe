"""Request and response bodies of the farm API."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic.json_schema import SkipJsonSchema

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


class FarmIn(BaseModel):
    """A new farm; its owner is the caller."""

    model_config = ConfigDict(extra="forbid")
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


# Fields a PATCH may not set to null (address and wallet_address may be cleared with null).
REQUIRED_ON_PATCH = (
    "name",
    "region",
    "latitude",
    "longitude",
    "size_ha",
    "established",
    "contact_phone",
    "contact_email",
    "certifications",
    "crops",
)


class FarmPatch(BaseModel):
    """Fields to change; absent fields stay as they are."""

    model_config = ConfigDict(extra="forbid")
    name: Name | SkipJsonSchema[None] = None
    region: Region | SkipJsonSchema[None] = None
    latitude: Latitude | SkipJsonSchema[None] = None
    longitude: Longitude | SkipJsonSchema[None] = None
    address: Address | None = None
    size_ha: SizeHa | SkipJsonSchema[None] = None
    established: Established | SkipJsonSchema[None] = None
    contact_phone: Phone | SkipJsonSchema[None] = None
    contact_email: Email | SkipJsonSchema[None] = None
    certifications: Certifications | SkipJsonSchema[None] = None
    crops: Crops | SkipJsonSchema[None] = None
    wallet_address: Wallet | None = None

    @field_validator(*REQUIRED_ON_PATCH, mode="after")
    @classmethod
    def _not_null(cls, value: object) -> object:
        if value is None:
            raise ValueError("must not be null (omit the field to keep it)")
        return value

    def changes(self) -> dict[str, object]:
        return self.model_dump(exclude_unset=True)


class FarmOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    owner_id: uuid.UUID
    name: str
    region: Region
    latitude: float
    longitude: float
    address: str | None = None
    size_ha: float
    established: date
    contact_phone: str
    contact_email: str
    certifications: list[Certification]
    crops: list[Crop]
    status: Status
    wallet_address: str | None = None
    esg_score: float | None = None
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
