"""Tables of the prediction service (schema ``prediction_svc``): forecast jobs, ESG
assessments, trade anomaly scores, the daily demand history, the forecasts served (for the
live quality watch), the outbox and the inbox.
Read by Alembic; the service's statements are in ``store/``.

``daily_demand`` has exactly the columns the trainer reads (``ml/platform_data.py``):
``day date, crop text, region text, quantity numeric``; one row per day, crop and region."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    REAL,
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    Double,
    Index,
    Integer,
    Numeric,
    String,
    Text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from pamtalk.db import schema_metadata
from pamtalk.db.inbox import inbox_table
from pamtalk.db.outbox import outbox_table


class Base(DeclarativeBase):
    metadata = schema_metadata("prediction_svc")


outbox = outbox_table(Base.metadata)
inbox = inbox_table(Base.metadata)

JOB_STATUSES = ("queued", "running", "succeeded", "failed")
RISKS = ("LOW", "MEDIUM", "HIGH", "CRITICAL")


class ForecastJob(Base):
    """A background forecast (several crops x regions), run from ``prediction_requests``."""

    __tablename__ = "forecast_jobs"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    owner_id: Mapped[uuid.UUID]
    request: Mapped[dict[str, Any]] = mapped_column(JSONB)  # crops, regions, days, start
    status: Mapped[str] = mapped_column(String(10))
    result: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        CheckConstraint(f"status IN {JOB_STATUSES}", name="status"),
        Index("ix_forecast_jobs_owner_created", "owner_id", "created_at", "id"),
    )


class EsgAssessment(Base):
    """The score of one ESG submission (DOMAIN.md), with each part's item breakdown."""

    __tablename__ = "esg_assessments"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    farm_id: Mapped[uuid.UUID]
    owner_id: Mapped[uuid.UUID]
    submission_id: Mapped[uuid.UUID] = mapped_column(unique=True)
    environmental: Mapped[float] = mapped_column(Double)
    social: Mapped[float] = mapped_column(Double)
    governance: Mapped[float] = mapped_column(Double)
    overall: Mapped[float] = mapped_column(Double)
    grade: Mapped[str] = mapped_column(String(10))
    token_estimate: Mapped[int] = mapped_column(BigInteger)
    size_factor: Mapped[float] = mapped_column(Double)
    tier: Mapped[float] = mapped_column(Double)
    volume_bonus: Mapped[float] = mapped_column(Double)
    items: Mapped[dict[str, Any]] = mapped_column(JSONB)  # part -> [{name, value, score, weight, ...}]
    assessed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    valid_until: Mapped[date] = mapped_column(Date)

    __table_args__ = (Index("ix_esg_assessments_farm_assessed", "farm_id", "assessed_at", "id"),)


class TradeAnomaly(Base):
    """The anomaly score of one trade (rules + isolation forest), from ``transaction.created``."""

    __tablename__ = "trade_anomalies"

    transaction_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    farm_id: Mapped[uuid.UUID]
    producer_id: Mapped[uuid.UUID]
    buyer_id: Mapped[uuid.UUID]
    crop: Mapped[str] = mapped_column(String(40))
    score: Mapped[float] = mapped_column(Double)
    risk: Mapped[str] = mapped_column(String(8))
    reasons: Mapped[list[str]] = mapped_column(JSONB)
    signals: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    isolation_score: Mapped[float | None] = mapped_column(Double)
    trade_created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    scored_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        CheckConstraint(f"risk IN {RISKS}", name="risk"),
        Index("ix_trade_anomalies_scored", "scored_at", "transaction_id"),
        Index("ix_trade_anomalies_risk_scored", "risk", "scored_at", "transaction_id"),
    )


class DailyDemand(Base):
    """Settled quantity per day (Korean time), crop and model region: the training history."""

    __tablename__ = "daily_demand"

    crop: Mapped[str] = mapped_column(Text, primary_key=True)
    region: Mapped[str] = mapped_column(Text, primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    quantity: Mapped[Decimal] = mapped_column(Numeric)


class ServedForecast(Base):
    """A forecast served from the platform's own history, compactly: crop, model region, its
    first day, and per day ahead (index 0 = the first day) the point forecast and the 80 %
    interval, as 4-byte floats, and the model version that served it (None for rows recorded
    before the column). ``forecast_quality.py`` compares each day with ``daily_demand``, and
    ``interval_tracking.py`` counts the misses of the model's bounds. One row per (first day,
    crop, region): a longer forecast of the same start replaces a shorter one (the same model
    and history give the same first days)."""

    __tablename__ = "served_forecasts"

    start: Mapped[date] = mapped_column(Date, primary_key=True)
    crop: Mapped[str] = mapped_column(Text, primary_key=True)
    region: Mapped[str] = mapped_column(Text, primary_key=True)
    demand: Mapped[list[float]] = mapped_column(ARRAY(REAL))
    lower: Mapped[list[float]] = mapped_column(ARRAY(REAL))
    upper: Mapped[list[float]] = mapped_column(ARRAY(REAL))
    model_version: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        CheckConstraint(
            "cardinality(demand) BETWEEN 1 AND 28 AND cardinality(lower) = cardinality(demand) "
            "AND cardinality(upper) = cardinality(demand)",
            name="days",
        ),
    )
