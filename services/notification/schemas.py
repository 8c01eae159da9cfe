"""Response bodies of the notification service.

A notification's ``data`` is typed by its ``kind`` (a discriminated union in the OpenAPI
document: a client gets ``TradeNotification.data.trade_id``, not a bare mapping). The
answers are written from the stored rows (``pamtalk.json_body``); these models describe
them, and the schemathesis pass holds the answers to them."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from pamtalk.vocabulary import Grade, RiskBand, Role, TradeStatus

Side = Literal["producer", "buyer"]


class WelcomeData(BaseModel):
    role: Role


class TradeData(BaseModel):
    trade_id: uuid.UUID
    transaction_id: uuid.UUID = Field(
        deprecated=True, description="The same as trade_id (the name before API 1.0): use trade_id"
    )
    farm_id: uuid.UUID
    crop: str
    quantity: str = Field(description="decimal")
    total_value: str = Field(description="decimal, won")
    status: TradeStatus
    role: Side = Field(description="the reader's side of the trade")
    reason: str | None = Field(None, description="trade.cancelled: why")


class TradeFlaggedData(BaseModel):
    trade_id: uuid.UUID
    transaction_id: uuid.UUID = Field(
        deprecated=True, description="The same as trade_id (the name before API 1.0): use trade_id"
    )
    risk_band: RiskBand
    role: Side


class EsgScoredData(BaseModel):
    farm_id: uuid.UUID
    assessment_id: uuid.UUID
    grade: Grade
    overall: float
    token_estimate: int


class TokensReceivedData(BaseModel):
    amount_micro: int = Field(description="ESG-GOLD in 10^-6 DC")
    wallet: str
    reason: str
    reference: str
    ledger_index: int


class ForecastFinishedData(BaseModel):
    job_id: uuid.UUID
    status: Literal["succeeded", "failed"]
    result_url: str


class _Notification(BaseModel):
    """The fields in the order of the stored row (``store.notifications.COLUMNS``); each
    kind narrows ``kind`` and ``data``."""

    model_config = ConfigDict(from_attributes=True)
    id: int = Field(description="Grows with every notification; also the SSE event id")
    kind: str
    title: str
    body: str
    data: BaseModel
    created_at: datetime
    read_at: datetime | None = None


class WelcomeNotification(_Notification):
    kind: Literal["welcome"]
    data: WelcomeData


class TradeNotification(_Notification):
    kind: Literal["trade.created", "trade.confirmed", "trade.settled", "trade.cancelled"]
    data: TradeData


class TradeFlaggedNotification(_Notification):
    kind: Literal["trade.flagged"]
    data: TradeFlaggedData


class EsgScoredNotification(_Notification):
    kind: Literal["esg.scored"]
    data: EsgScoredData


class TokensReceivedNotification(_Notification):
    kind: Literal["tokens.received"]
    data: TokensReceivedData


class ForecastFinishedNotification(_Notification):
    kind: Literal["forecast.finished"]
    data: ForecastFinishedData


KINDS: tuple[type[_Notification], ...] = (
    WelcomeNotification,
    TradeNotification,
    TradeFlaggedNotification,
    EsgScoredNotification,
    TokensReceivedNotification,
    ForecastFinishedNotification,
)
Notification = Annotated[
    WelcomeNotification
    | TradeNotification
    | TradeFlaggedNotification
    | EsgScoredNotification
    | TokensReceivedNotification
    | ForecastFinishedNotification,
    Field(discriminator="kind"),
]


class NotificationPage(BaseModel):
    items: list[Notification]
    next_cursor: str | None = None


class UnreadCount(BaseModel):
    unread: int


class ReadAll(BaseModel):
    updated: int = Field(description="How many notifications were marked read now")
