"""Storing notifications and reading them back.

Ordering guarantee the live stream relies on: for one user, notification ids are handed
out in commit order. ``deliver`` takes a per-user advisory lock (held to the end of the
transaction) before inserting, so a second transaction for the same user gets its id only
after the first has committed. Hence "everything after id N" is a gap-free cursor; without
the lock, ids 10 and 11 could commit as 11 then 10, and a reader at 11 would never see 10."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from services.notification import recipients
from services.notification.models import Notification
from services.notification.schemas import NotificationOut
from services.notification.templates import render

# One statement locks every user of an event, always in the same order (no deadlocks).
_LOCK = text(
    "SELECT pg_advisory_xact_lock(hashtextextended(k, 0)) FROM unnest(CAST(:keys AS text[])) AS k ORDER BY k"
)


@dataclass(frozen=True)
class Draft:
    """A notification to write: who, what kind, which template and its values."""

    user_id: uuid.UUID
    kind: str
    template: str
    values: dict[str, Any] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)


async def lock_users(session: AsyncSession, user_ids: list[uuid.UUID]) -> None:
    keys = sorted({f"notification:{user_id}" for user_id in user_ids})
    await session.execute(_LOCK, {"keys": keys})


Written = tuple[uuid.UUID, NotificationOut]  # whose, and what


async def deliver(session: AsyncSession, event_id: uuid.UUID, drafts: list[Draft]) -> list[Written]:
    """Write each draft in its reader's language; a draft already stored for this event,
    user and kind is skipped. Returns the rows written now."""
    if not drafts:
        return []
    users = [d.user_id for d in drafts]
    await lock_users(session, users)
    langs = await recipients.languages(session, users)
    rendered = [(draft, *render(draft.template, langs[draft.user_id], draft.values)) for draft in drafts]
    rows = (
        await session.execute(
            insert(Notification)
            .values(
                [
                    {
                        "user_id": d.user_id,
                        "kind": d.kind,
                        "title": title,
                        "body": body,
                        "data": d.data,
                        "event_id": event_id,
                    }
                    for d, title, body in rendered
                ]
            )
            .on_conflict_do_nothing(index_elements=["event_id", "user_id", "kind"])
            .returning(Notification.id, Notification.created_at, Notification.user_id, Notification.kind)
        )
    ).all()
    stored = {(row.user_id, row.kind): row for row in rows}  # drafts stored before are absent
    written: list[Written] = []
    for draft, title, body in rendered:
        row = stored.get((draft.user_id, draft.kind))
        if row is not None:
            item = NotificationOut(
                id=row.id, kind=draft.kind, title=title, body=body, data=draft.data, created_at=row.created_at
            )
            written.append((draft.user_id, item))
    return written


def _mine(user_id: uuid.UUID, unread_only: bool = False) -> Any:
    query = select(Notification).where(Notification.user_id == user_id)
    return query.where(Notification.read_at.is_(None)) if unread_only else query


async def newest_first(
    session: AsyncSession, user_id: uuid.UUID, *, before: int | None, limit: int, unread_only: bool
) -> list[Notification]:
    query = _mine(user_id, unread_only)
    if before is not None:
        query = query.where(Notification.id < before)
    return list((await session.scalars(query.order_by(Notification.id.desc()).limit(limit))).all())


async def after(session: AsyncSession, user_id: uuid.UUID, last_id: int, limit: int) -> list[Notification]:
    """The user's notifications with an id above ``last_id``, oldest first (stream replay)."""
    query = _mine(user_id).where(Notification.id > last_id).order_by(Notification.id).limit(limit)
    return list((await session.scalars(query)).all())


async def latest_id(session: AsyncSession, user_id: uuid.UUID) -> int:
    value = await session.scalar(select(func.max(Notification.id)).where(Notification.user_id == user_id))
    return int(value or 0)


async def unread_count(session: AsyncSession, user_id: uuid.UUID) -> int:
    query = select(func.count()).select_from(_mine(user_id, unread_only=True).subquery())
    return int(await session.scalar(query) or 0)


async def mark_read(session: AsyncSession, user_id: uuid.UUID, notification_id: int) -> Notification | None:
    """Mark one of the user's notifications read (the first read time stays, also when two
    requests race); None if it is not the user's or does not exist."""
    mine = (Notification.id == notification_id, Notification.user_id == user_id)
    await session.execute(
        update(Notification)
        .where(*mine, Notification.read_at.is_(None))
        .values(read_at=datetime.now(UTC))
        .execution_options(synchronize_session=False)
    )
    return await session.scalar(select(Notification).where(*mine).execution_options(populate_existing=True))


async def mark_all_read(session: AsyncSession, user_id: uuid.UUID, up_to: int | None) -> int:
    """Mark the user's unread notifications read (only those with id <= ``up_to`` if given,
    so one that arrived after the user looked stays unread)."""
    stmt = update(Notification).where(Notification.user_id == user_id, Notification.read_at.is_(None))
    if up_to is not None:
        stmt = stmt.where(Notification.id <= up_to)
    result = await session.execute(stmt.values(read_at=datetime.now(UTC)))
    return int(result.rowcount)  # type: ignore[attr-defined]
