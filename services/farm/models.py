"""Tables of the farm service (schema ``farm_svc``): farms, ESG submissions, the outbox
and the inbox of handled events. Read by Alembic (``migrations/``); statements are the
store's (``store/``), never built from these tables.

Indexes keep the list queries fast at a million farms (see tests/farm/bench_farm_list.py):
region+status+id and status+id for the public pages, status+grade rank+id for ``min_grade``,
GIN on the crop and certification arrays, (latitude, longitude) for the "near me" bounding
box (the source plan's ``farms(location)``, covering what the distance ranking reads) and
owner+id for "my farms".

Both tables are range-partitioned by farm id (migration 5f3a9c1e7b20): one local partition
(``farms_local``, ``esg_submissions_local``) holds every farm until ``services.farm.shards``
adds a shard on another PostgreSQL instance as a ``postgres_fdw`` foreign partition."""

from __future__ import annotations

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Double,
    Index,
    Integer,
    SmallInteger,
    String,
    Table,
    Text,
    Uuid,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import DeclarativeBase

from pamtalk.db import schema_metadata
from pamtalk.db.inbox import inbox_table
from pamtalk.db.outbox import outbox_table


class Base(DeclarativeBase):
    metadata = schema_metadata("farm_svc")


outbox = outbox_table(Base.metadata)
inbox = inbox_table(Base.metadata)

farms = Table(
    "farms",
    Base.metadata,
    # UUIDv7 (ids.py): time-ordered, so a range of ids is a range of creation time (shards).
    # Unique in its partition (the partitions' primary keys, made by the migration): a parent
    # with foreign partitions cannot hold a unique index.
    Column("id", Uuid, nullable=False),
    Column("owner_id", Uuid, nullable=False),
    Column("name", String(120), nullable=False),
    Column("region", String(20), nullable=False),
    Column("latitude", Double, nullable=False),
    Column("longitude", Double, nullable=False),
    Column("address", String(300)),
    Column("size_ha", Double, nullable=False),
    Column("established", Date, nullable=False),
    Column("contact_phone", String(20), nullable=False),
    Column("contact_email", String(254), nullable=False),
    Column("certifications", ARRAY(Text), nullable=False),
    Column("crops", ARRAY(Text), nullable=False),
    Column("status", String(10), nullable=False),
    Column("wallet_address", String(42)),
    Column("esg_score", Double),
    Column("esg_grade", String(10)),
    Column("esg_grade_rank", SmallInteger),  # 0 Candidate .. 4 Platinum
    Column("esg_assessed_at", DateTime(timezone=True)),
    Column("esg_valid_until", Date),
    Column("esg_assessment_id", Uuid),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("version", Integer, nullable=False),
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
    postgresql_partition_by="RANGE (id)",
)

# ESG data a farmer submitted, and the assessment once ``esg.scored`` arrives.
esg_submissions = Table(
    "esg_submissions",
    Base.metadata,
    Column("id", Uuid, nullable=False),  # UUIDv7; unique in its partition
    # partitioned by farm: a farm's submissions live on its shard; the foreign key to the farm
    # is the partitions' own (farms_local), as is the primary key
    Column("farm_id", Uuid, nullable=False),
    Column("submitted_by", Uuid, nullable=False),
    Column("submitted_at", DateTime(timezone=True), nullable=False),
    Column("data", JSONB, nullable=False),
    Column("assessment", JSONB),  # JSON null until scored
    Index("ix_esg_submissions_farm_id_id", "farm_id", "id"),
    postgresql_partition_by="RANGE (farm_id)",
)
