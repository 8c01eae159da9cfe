"""The envelope every event travels in, and the helpers to build and read one."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field


class Event(BaseModel):
    """Base of every event body in the catalogue.

    Subclasses set ``TYPE`` (the routing key, e.g. ``farm.registered``) and ``VERSION``.
    Bodies are frozen and reject unknown fields, so a producer cannot drift silently.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)
    TYPE: ClassVar[str] = ""
    VERSION: ClassVar[int] = 1


class Envelope(BaseModel):
    """What goes on the wire: identity, type, version, time and the body.

    Trace context and the request id travel in the AMQP message headers, not here.
    """

    model_config = ConfigDict(frozen=True)
    event_id: uuid.UUID = Field(default_factory=uuid.uuid4)
    type: str
    version: int = 1
    occurred_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    producer: str = ""
    data: dict[str, Any]

    @classmethod
    def wrap(cls, event: Event, producer: str = "") -> Envelope:
        return cls(
            type=type(event).TYPE,
            version=type(event).VERSION,
            producer=producer,
            data=event.model_dump(mode="json"),
        )
