"""Tables of the farm service (schema ``farm_svc``): farms, ESG submissions, the outbox
and the inbox of handled events.

Indexes keep the list queries fast at a million farms (see tests/farm/bench_farm_list.py):
region+status+id and status+id for the public pages, status+grade rank+id for ``min_grade``,
GIN on the crop and certification arrays, (latitude, longitude) for the "near me" bounding
box (the source plan's ``farms(location)``, covering what the distance ranking reads) and
owner+id for "my farms"."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    Double,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    Uuid,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from pamtalk.db import schema_metadata
from pamtalk.db.inbox import inbox_table
from pamtalk.db.outbox import outbox_table
from services.farm.ids import uuid7


class Base(DeclarativeBase):
    metadata = schema_metadata("farm_svc")


outbox = outbox_table(Base.metadata)
inbox = inbox_table(Base.metadata)


class Farm(Base):
    __tablename__ = "farms"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid7)
    owner_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    name: Mapped[str] = mapped_column(String(120))
    region: Mapped[str] = mapped_column(String(20))
    latitude: Mapped[float] = mapped_column(Double)
    longitude: Mapped[float] = mapped_column(Double)
    address: Mapped[str | None] = mapped_column(String(300))
    size_ha: Mapped[float] = mapped_column(Double)
    established: Mapped[date] = mapped_column(Date)
    contact_phone: Mapped[str] = mapped_column(String(20))
    contact_email: Mapped[str] = mapped_column(String(254))
    certifications: Mapped[list[str]] = mapped_column(ARRAY(Text), default=list)
    crops: Mapped[list[str]] = mapped_column(ARRAY(Text))
    status: Mapped[str] = mapped_column(String(10), default="active")
    wallet_address: Mapped[str | None] = mapped_column(String(42))
    esg_score: Mapped[float | None] = mapped_column(Double)
    esg_grade: Mapped[str | None] = mapped_column(String(10))
    esg_grade_rank: Mapped[int | None] = mapped_column(SmallInteger)  # 0 Candidate .. 4 Platinum
    esg_assessed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    esg_valid_until: Mapped[date | None] = mapped_column(Date)
    esg_assessment_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __table_args__ = (
        Index("ix_farms_region_status_id", "region", "status", "id"),
        Index("ix_farms_status_id", "status", "id"),
        Index("ix_farms_status_grade_id", "status", "esg_grade_rank", "id"),
        # farms(location): the "near me" box; the payload lets the distance ranking run as an
        # index-only scan, and only the page's rows are read from the table.
        Index(
            "ix_farms_location",
            "latitude",
            "longitude",
            postgresql_include=["status", "esg_grade_rank", "region", "id"],
        ),
        Index("ix_farms_crops", "crops", postgresql_using="gin"),
        Index("ix_farms_certifications", "certifications", postgresql_using="gin"),
        Index("ix_farms_owner_id_id", "owner_id", "id"),
        CheckConstraint("status IN ('active', 'inactive', 'suspended')", name="status"),
        CheckConstraint("size_ha > 0", name="size_positive"),
        CheckConstraint("latitude BETWEEN -90 AND 90 AND longitude BETWEEN -180 AND 180", name="coordinates"),
        CheckConstraint("cardinality(crops) >= 1", name="has_crops"),
    )


class EsgSubmission(Base):
    """ESG data a farmer submitted, and the assessment once ``esg.scored`` arrives."""

    __tablename__ = "esg_submissions"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid7)
    farm_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("farms.id", ondelete="CASCADE"))
    submitted_by: Mapped[uuid.UUID] = mapped_column(Uuid)
    submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    data: Mapped[dict[str, Any]] = mapped_column(JSONB)
    assessment: Mapped[dict[str, Any] | None] = mapped_column(JSONB)

    __table_args__ = (Index("ix_esg_submissions_farm_id_id", "farm_id", "id"),)
