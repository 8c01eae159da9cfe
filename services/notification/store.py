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

import asyncpg
from sqlalchemy import text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from services.notification import recipients, rows
from services.notification.models import Notification
from services.notification.schemas import NotificationOut
from services.notification.templates import render

MAX_ID = 2**63 - 1  # bigint

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


async def newest_first(
    conn: asyncpg.Connection, user_id: uuid.UUID, *, before: int | None, limit: int, unread_only: bool
) -> list[rows.Item]:
    """The user's notifications with an id below ``before`` (all if None), newest first."""
    upper = MAX_ID if before is None else before - 1
    found = await conn.fetch(rows.NEWEST_UNREAD if unread_only else rows.NEWEST, user_id, upper, limit)
    return [rows.item(row) for row in found]


async def after(conn: asyncpg.Connection, user_id: uuid.UUID, last_id: int, limit: int) -> list[rows.Item]:
    """The user's notifications with an id above ``last_id``, oldest first (stream replay)."""
    return [rows.item(row) for row in await conn.fetch(rows.AFTER, user_id, last_id, limit)]


async def latest_id(conn: asyncpg.Connection, user_id: uuid.UUID) -> int:
    return int(await conn.fetchval(rows.LATEST_ID, user_id))


async def unread_count(conn: asyncpg.Connection, user_id: uuid.UUID) -> int:
    return int(await conn.fetchval(rows.UNREAD_COUNT, user_id))


async def mark_read(session: AsyncSession, user_id: uuid.UUID, notification_id: int) -> rows.Item | None:
    """Mark one of the user's notifications read (the first read time stays, also when two
    requests race: the row is read by a statement of its own, after the update's lock);
    None if it is not the user's or does not exist."""
    await session.execute(
        update(Notification)
        .where(Notification.id == notification_id, Notification.user_id == user_id)
        .where(Notification.read_at.is_(None))
        .values(read_at=datetime.now(UTC))
        .execution_options(synchronize_session=False)
    )
    row = await (await rows.driver(session)).fetchrow(rows.ONE, notification_id, user_id)
    return None if row is None else rows.item(row)


async def mark_all_read(session: AsyncSession, user_id: uuid.UUID, up_to: int | None) -> int:
    """Mark the user's unread notifications read (only those with id <= ``up_to`` if given,
    so one that arrived after the user looked stays unread)."""
    stmt = update(Notification).where(Notification.user_id == user_id, Notification.read_at.is_(None))
    if up_to is not None:
        stmt = stmt.where(Notification.id <= up_to)
    result = await session.execute(stmt.values(read_at=datetime.now(UTC)))
    return int(result.rowcount)  # type: ignore[attr-defined]
