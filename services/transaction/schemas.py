"""Request and response bodies of the transaction service."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema, field_validator

from pamtalk.bodies import JsonDecimal, JsonUUID, RequestBody
from pamtalk.esg_assessment import Score
from pamtalk.vocabulary import Crop, TradeStatus

PaymentMethod = Literal["bank_transfer", "card", "mobile_pay", "cash_on_delivery"]

MAX_QUANTITY = Decimal(1_000_000)
MAX_UNIT_PRICE = Decimal(100_000_000)  # KRW


def _amount_schema(maximum: int, places: int, description: str) -> WithJsonSchema:
    """A positive amount as a JSON number or a decimal string (exact)."""
    return WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "exclusiveMinimum": 0, "maximum": maximum, "multipleOf": 10**-places},
                {"type": "string", "pattern": rf"^[0-9]{{1,{len(str(maximum))}}}(\.[0-9]{{1,{places}}})?$"},
            ],
            "description": description,
        }
    )


Quantity = Annotated[
    JsonDecimal,
    Field(gt=0, le=MAX_QUANTITY, decimal_places=3),
    _amount_schema(1_000_000, 3, "units, > 0, at most 3 decimals"),
]
UnitPrice = Annotated[
    JsonDecimal,
    Field(gt=0, le=MAX_UNIT_PRICE, decimal_places=2),
    _amount_schema(100_000_000, 2, "KRW per unit, > 0, at most 2 decimals"),
]


class TradeIn(RequestBody):
    """A buyer's offer to a farm. The total is computed by the service, never sent."""

    farm_id: JsonUUID
    crop: Crop = Field(description="one of the crops the farm offers")
    quantity: Quantity
    unit_price: UnitPrice
    quality_score: float = Field(default=80, ge=0, le=100)
    delivery_hours: int = Field(
        default=48,
        ge=1,
        le=720,
        description="1 to 720; 24-168 is normal, outside it the anomaly scorer looks",
    )
    payment_method: PaymentMethod = "bank_transfer"
    location: str | None = Field(
        default=None, min_length=1, max_length=100, description="delivery place; the farm's region if omitted"
    )

    @field_validator("location")
    @classmethod
    def _strip(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise ValueError("location must not be blank")
        return value.strip() if value is not None else None


class ReviewFlag(BaseModel):
    score: float
    risk_band: str
    reasons: list[str]
    flagged_at: datetime


class TradeOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    farm_id: uuid.UUID
    producer_id: uuid.UUID
    buyer_id: uuid.UUID
    crop: str
    quantity: Decimal
    unit_price: Decimal
    total_value: Decimal
    quality_score: float
    delivery_hours: int
    payment_method: str
    location: str
    producer_esg_score: Score | None = None
    status: TradeStatus
    cancel_reason: str | None = None
    review: ReviewFlag | None = Field(default=None, description="the anomaly flag (shown to admins)")
    created_at: datetime
    updated_at: datetime
    confirmed_at: datetime | None = None
    settled_at: datetime | None = None
    cancelled_at: datetime | None = None


class TradePage(BaseModel):
    items: list[TradeOut]
    next_cursor: str | None = None


class CancelIn(RequestBody):
    reason: str = Field(min_length=1, max_length=500)

    @field_validator("reason")
    @classmethod
    def _strip(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("reason must not be blank")
        return value.strip()


class ReviewIn(RequestBody):
    decision: Literal["clear", "cancel"]
    note: str = Field(default="", max_length=500)


class Totals(BaseModel):
    count: int
    value: Decimal


class CropTotals(Totals):
    crop: str


class DayTotals(Totals):
    day: date


class FarmSizes(BaseModel):
    small: int = Field(description="active farms under 10 ha")
    medium: int = Field(description="active farms from 10 ha to under 50 ha")
    large: int = Field(description="active farms of 50 ha or more")


class DashboardOut(BaseModel):
    """Market figures; counts and values leave cancelled trades out."""

    generated_at: datetime
    trades: Totals
    by_status: dict[str, int]
    by_crop: list[CropTotals]
    last_7_days: list[DayTotals] = Field(description="trades opened per UTC day, oldest first, today last")
    average_esg_settled: float | None = Field(description="mean producer ESG score of settled trades")
    farms_by_size: FarmSizes
