"""Response bodies of the notification service."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class NotificationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int = Field(description="Grows with every notification; also the SSE event id")
    kind: str = Field(
        description="welcome, trade.created, trade.confirmed, trade.settled, trade.cancelled, "
        "trade.flagged, esg.scored, tokens.received or forecast.finished"
    )
    title: str
    body: str
    data: dict[str, Any] = Field(description="Ids and values for the app to link to (trade, farm, job)")
    created_at: datetime
    read_at: datetime | None = None


class UnreadCount(BaseModel):
    unread: int


class ReadAll(BaseModel):
    updated: int = Field(description="How many notifications were marked read now")
