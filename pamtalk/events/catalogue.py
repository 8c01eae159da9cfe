"""The event catalogue: every event the platform publishes, versioned and validated.

Routing keys are the ``TYPE`` of each class. A consumer reads a body with
``parse(envelope)``, which picks the class by type and version. Changing a body in a way
that breaks consumers means a new VERSION (keep the old class until nobody sends it).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from pydantic import Field

from pamtalk.events.envelope import Envelope, Event

Role = Literal["farmer", "consumer", "company", "committee", "admin"]
TradeStatus = Literal["pending", "confirmed", "settled", "cancelled", "under_review"]


class UserRegistered(Event):
    TYPE = "user.registered"
    user_id: uuid.UUID
    email: str
    display_name: str
    role: Role
    language: str = "ko"


class UserUpdated(Event):
    """A profile change other services keep a copy of (the language notifications use)."""

    TYPE = "user.updated"
    user_id: uuid.UUID
    display_name: str
    language: str = "ko"


class FarmSnapshot(Event):
    """What other services keep of a farm (the transaction service's read model)."""

    farm_id: uuid.UUID
    owner_id: uuid.UUID
    name: str
    region: str
    latitude: float
    longitude: float
    size_ha: float
    crops: list[str]
    certifications: list[str]
    status: Literal["active", "inactive", "suspended"]
    wallet_address: str | None = None
    esg_score: float | None = None
    esg_grade: str | None = None
    updated_at: datetime

    @classmethod
    def attributes(cls) -> tuple[str, ...]:
        """The farm's attributes the snapshot carries (every field but ``farm_id``)."""
        return tuple(name for name in cls.model_fields if name != "farm_id")


class FarmRegistered(FarmSnapshot):
    TYPE = "farm.registered"


class FarmUpdated(FarmSnapshot):
    TYPE = "farm.updated"


class EsgData(Event):
    """The 18 ESG fields of DOMAIN.md with their ranges."""

    organic_certified: bool
    water_usage_per_hectare: float = Field(ge=0)
    carbon_emissions: float = Field(ge=0)
    renewable_energy_percentage: float = Field(ge=0, le=100)
    biodiversity_score: float = Field(ge=0, le=10)
    soil_health_score: float = Field(ge=0, le=10)
    waste_management_score: float = Field(ge=0, le=10)
    fair_wage_certification: bool
    community_investment_percentage: float = Field(ge=0, le=100)
    worker_safety_score: float = Field(ge=0, le=10)
    local_employment_percentage: float = Field(ge=0, le=100)
    training_programs: bool
    healthcare_provided: bool
    transparency_score: float = Field(ge=0, le=10)
    record_keeping_score: float = Field(ge=0, le=10)
    stakeholder_engagement_score: float = Field(ge=0, le=10)
    ethical_practices_score: float = Field(ge=0, le=10)
    supply_chain_traceability: bool


class FarmEsgSubmitted(Event):
    TYPE = "farm.esg_submitted"
    submission_id: uuid.UUID
    farm_id: uuid.UUID
    owner_id: uuid.UUID
    size_ha: float
    certifications: list[str]
    yearly_volume: float = 0.0  # KRW traded in the last 365 days, for the token volume bonus
    esg: EsgData


class EsgScored(Event):
    TYPE = "esg.scored"
    assessment_id: uuid.UUID
    submission_id: uuid.UUID
    farm_id: uuid.UUID
    owner_id: uuid.UUID
    environmental: float
    social: float
    governance: float
    overall: float
    grade: Literal["Platinum", "Gold", "Silver", "Bronze", "Candidate"]
    token_estimate: int
    valid_until: date


class TradeEvent(Event):
    """Common body of the trade lifecycle events."""

    transaction_id: uuid.UUID
    farm_id: uuid.UUID
    producer_id: uuid.UUID  # the farm's owner
    buyer_id: uuid.UUID
    crop: str
    quantity: Decimal
    unit_price: Decimal
    total_value: Decimal
    quality_score: float
    delivery_hours: int
    payment_method: str
    region: str
    producer_esg_score: float | None = None
    producer_wallet: str | None = None
    status: TradeStatus
    created_at: datetime
    occurred_at: datetime


class TransactionCreated(TradeEvent):
    TYPE = "transaction.created"


class TransactionConfirmed(TradeEvent):
    TYPE = "transaction.confirmed"


class TransactionSettled(TradeEvent):
    TYPE = "transaction.settled"


class TransactionCancelled(TradeEvent):
    TYPE = "transaction.cancelled"
    reason: str = ""


class TransactionFlagged(Event):
    TYPE = "transaction.flagged"
    transaction_id: uuid.UUID
    producer_id: uuid.UUID
    buyer_id: uuid.UUID
    score: float = Field(ge=0, le=1)
    risk_band: Literal["LOW", "MEDIUM", "HIGH", "CRITICAL"]
    reasons: list[str]


class PredictionRequested(Event):
    TYPE = "prediction.requested"
    job_id: uuid.UUID
    requested_by: uuid.UUID


class PredictionCompleted(Event):
    TYPE = "prediction.completed"
    job_id: uuid.UUID
    requested_by: uuid.UUID
    status: Literal["succeeded", "failed"]
    result_url: str


class LedgerRecorded(Event):
    TYPE = "ledger.recorded"
    index: int
    kind: str
    reference: str
    leaf_hash: str


class TokenMovement(Event):
    wallet: str
    owner_id: uuid.UUID | None = None
    amount_micro: int = Field(gt=0)  # 6 decimals: 1 DC = 1_000_000
    reason: str
    reference: str
    ledger_index: int


class TokenMinted(TokenMovement):
    TYPE = "token.minted"


class TokenTransferred(TokenMovement):
    TYPE = "token.transferred"
    to_wallet: str
    to_owner_id: uuid.UUID | None = None


class TokenBurned(TokenMovement):
    TYPE = "token.burned"


class LedgerAnchored(Event):
    TYPE = "ledger.anchored"
    tree_size: int
    root_hash: str
    chain_id: int
    tx_hash: str
    block_number: int


CATALOGUE: dict[tuple[str, int], type[Event]] = {
    (cls.TYPE, cls.VERSION): cls
    for cls in (
        UserRegistered,
        UserUpdated,
        FarmRegistered,
        FarmUpdated,
        FarmEsgSubmitted,
        EsgScored,
        TransactionCreated,
        TransactionConfirmed,
        TransactionSettled,
        TransactionCancelled,
        TransactionFlagged,
        PredictionRequested,
        PredictionCompleted,
        LedgerRecorded,
        TokenMinted,
        TokenTransferred,
        TokenBurned,
        LedgerAnchored,
    )
}


class UnknownEvent(ValueError):
    pass


def parse(envelope: Envelope) -> Event:
    """The typed body of an envelope; raises UnknownEvent or pydantic.ValidationError."""
    cls = CATALOGUE.get((envelope.type, envelope.version))
    if cls is None:
        raise UnknownEvent(f"no event {envelope.type} v{envelope.version} in the catalogue")
    return cls.model_validate(envelope.data)
