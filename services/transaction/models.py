"""Tables of the transaction service (schema ``transaction_svc``): read by Alembic, never
used to run a statement (that is ``store/``).

``transactions`` is range-partitioned by ``created_at``, one partition a month plus a
DEFAULT one (see ``store/partitions.py``); its primary key is ``(id, created_at)`` because a
partitioned table's unique keys must hold the partition key."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import CheckConstraint, DateTime, Float, Index, Integer, Numeric, String, func, text
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from pamtalk.db import schema_metadata
from pamtalk.db.inbox import inbox_table
from pamtalk.db.outbox import outbox_table
from pamtalk.idempotency import idempotency_table

SCHEMA = "transaction_svc"
STATUSES = ("pending", "confirmed", "settled", "cancelled", "under_review")
PENDING = text("status = 'pending'")


class Base(DeclarativeBase):
    metadata = schema_metadata(SCHEMA)


outbox = outbox_table(Base.metadata)
inbox = inbox_table(Base.metadata)
# The first response to a trade opened with ``Idempotency-Key`` (kept 24 h): the kit's table.
idempotency_keys = idempotency_table(Base.metadata)


class Trade(Base):
    __tablename__ = "transactions"
    __table_args__ = (
        Index("ix_transactions_created_at", "created_at"),  # the source plan's index
        Index("ix_transactions_buyer_id_created_at", "buyer_id", "created_at", "id"),
        Index("ix_transactions_producer_id_created_at", "producer_id", "created_at", "id"),
        Index("ix_transactions_farm_id_created_at", "farm_id", "created_at", "id"),
        # A party's pending trades (a farmer's to-do list): the few trades waiting, newest
        # first, without walking past the settled ones (store/trades.py writes the status in).
        Index("ix_transactions_buyer_id_pending", "buyer_id", "created_at", "id", postgresql_where=PENDING),
        Index(
            "ix_transactions_producer_id_pending", "producer_id", "created_at", "id", postgresql_where=PENDING
        ),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("unit_price > 0", name="unit_price_positive"),
        CheckConstraint(f"status IN {STATUSES!r}", name="status_known"),
        {"postgresql_partition_by": "RANGE (created_at)"},
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)  # UUIDv7: carries created_at
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), primary_key=True)
    farm_id: Mapped[uuid.UUID]
    producer_id: Mapped[uuid.UUID]  # the farm's owner when the trade was opened
    buyer_id: Mapped[uuid.UUID]
    buyer_role: Mapped[str] = mapped_column(String(20))
    crop: Mapped[str] = mapped_column(String(50))
    quantity: Mapped[Decimal] = mapped_column(Numeric(12, 3))
    unit_price: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    total_value: Mapped[Decimal] = mapped_column(Numeric(20, 2))
    quality_score: Mapped[float] = mapped_column(Float)
    delivery_hours: Mapped[int] = mapped_column(Integer)
    payment_method: Mapped[str] = mapped_column(String(30))
    location: Mapped[str] = mapped_column(String(100))
    producer_esg_score: Mapped[float | None] = mapped_column(Float)
    producer_wallet: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(20))
    status_before_review: Mapped[str | None] = mapped_column(String(20))
    review: Mapped[dict[str, Any] | None] = mapped_column(JSONB)  # the anomaly flag
    cancel_reason: Mapped[str | None] = mapped_column(String(500))
    cancelled_by: Mapped[uuid.UUID | None]
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    settled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Farm(Base):
    """Read model of the farm service's farms, fed by ``farm.registered``/``farm.updated``."""

    __tablename__ = "farms"

    farm_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    owner_id: Mapped[uuid.UUID] = mapped_column(index=True)
    name: Mapped[str] = mapped_column(String(200))
    region: Mapped[str] = mapped_column(String(100))
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)
    size_ha: Mapped[float] = mapped_column(Float)
    crops: Mapped[list[str]] = mapped_column(ARRAY(String(50)))
    certifications: Mapped[list[str]] = mapped_column(ARRAY(String(50)))
    status: Mapped[str] = mapped_column(String(20))
    wallet_address: Mapped[str | None] = mapped_column(String(100))
    esg_score: Mapped[float | None] = mapped_column(Float)
    esg_grade: Mapped[str | None] = mapped_column(String(20))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))  # as the farm service says
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
