"""Tables of the notification service (schema ``notification_svc``): read by Alembic; the
statements that use them are in ``store/``."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, Identity, Index, String, Text, UniqueConstraint, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from pamtalk.db import schema_metadata
from pamtalk.db.inbox import inbox_table


class Base(DeclarativeBase):
    metadata = schema_metadata("notification_svc")


inbox = inbox_table(Base.metadata)


class Recipient(Base):
    """What this service knows of a user: the language and name to write to them in.
    Kept from ``user.registered`` / ``user.updated``; ``updated_at`` is the event's time,
    so an older event arriving late does not overwrite a newer one."""

    __tablename__ = "recipients"

    user_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    language: Mapped[str] = mapped_column(String(5))
    display_name: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Notification(Base):
    """One notification for one user. ``id`` grows with every row and, per user, in the
    order rows are committed (see ``store.notifications.deliver``): it is the SSE event id."""

    __tablename__ = "notifications"
    __table_args__ = (UniqueConstraint("event_id", "user_id", "kind"),)

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    user_id: Mapped[uuid.UUID]
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(JSONB)
    event_id: Mapped[uuid.UUID]
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


# "My notifications, newest first" and "my unread ones" are both an index range scan.
Index("ix_notifications_user_newest", Notification.user_id, Notification.id.desc())
Index(
    "ix_notifications_unread",
    Notification.user_id,
    Notification.id,
    postgresql_where=Notification.read_at.is_(None),
)
