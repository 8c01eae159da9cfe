"""Storing notifications and reading them back.

Ordering guarantee the live stream relies on: for one user, notification ids are handed
out in commit order. ``deliver`` takes a per-user advisory lock (held to the end of the
transaction) before drawing ids, so a second transaction for the same user gets its id only
after the first has committed. Hence "everything after id N" is a gap-free cursor; without
the lock, ids 10 and 11 could commit as 11 then 10, and a reader at 11 would never see 10."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import asyncpg
import orjson
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from pamtalk.db.raw import driver, sql
from services.notification import rows
from services.notification.models import Notification
from services.notification.recipients import RECIPIENTS
from services.notification.templates import DEFAULT_LANGUAGE, LANGUAGES, render

MAX_ID = 2**63 - 1  # bigint
NOTIFICATIONS = Notification.__table__.fullname  # type: ignore[attr-defined]

# One statement (one round trip) per event: lock the users, pick each reader's language,
# insert. The drafts come as one JSON array, each with its text in every language.
# * Locks: one per user, always in the same order (no deadlocks), taken in ``locked``; the
#   insert joins ``locked``, a one-row aggregate that exists only once every lock is held,
#   so no id is drawn before that.
# * Language: the recipient's, else the default (unknown users); as ``language_of``.
# * A draft already stored for this event, user and kind is skipped (and so is a second
#   draft of the same user and kind within the event).
_DELIVER = sql(
    f"""
WITH drafts AS MATERIALIZED (
    SELECT d.n, d.user_id, d.kind, d.data, coalesce(
        d.texts -> (SELECT r.language FROM {RECIPIENTS} AS r WHERE r.user_id = d.user_id),
        d.texts -> :fallback
    ) AS text
    FROM jsonb_to_recordset(CAST(:drafts AS jsonb))
        AS d(n int, user_id uuid, kind text, texts jsonb, data jsonb)
), locked AS MATERIALIZED (
    SELECT count(*) AS users FROM (
        SELECT pg_advisory_xact_lock(hashtextextended(k, 0))
        FROM (SELECT DISTINCT 'notification:' || user_id AS k FROM drafts) AS keys
        ORDER BY k
    ) AS taken
)
INSERT INTO {NOTIFICATIONS} (user_id, kind, title, body, data, event_id)
SELECT d.user_id, d.kind, d.text ->> 0, d.text ->> 1, d.data, CAST(:event_id AS uuid)
FROM drafts AS d CROSS JOIN locked
ORDER BY d.n
ON CONFLICT (event_id, user_id, kind) DO NOTHING
RETURNING id, created_at, user_id, kind, title, body
"""
)


@dataclass(frozen=True)
class Draft:
    """A notification to write: who, what kind, which template and its values."""

    user_id: uuid.UUID
    kind: str
    template: str
    values: dict[str, Any] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)

    def as_json(self, n: int) -> dict[str, Any]:
        texts = {lang: render(self.template, lang, self.values) for lang in LANGUAGES}
        return {"n": n, "user_id": self.user_id, "kind": self.kind, "texts": texts, "data": self.data}


Written = tuple[uuid.UUID, rows.Item]  # whose, and what


async def deliver(conn: asyncpg.Connection, event_id: uuid.UUID, drafts: list[Draft]) -> list[Written]:
    """Write each draft in its reader's language, on ``conn`` inside its transaction (the
    locks are held until it ends); a draft already stored for this event, user and kind is
    skipped. Returns the rows written now."""
    if not drafts:
        return []
    payload = orjson.dumps([draft.as_json(n) for n, draft in enumerate(drafts)]).decode()
    params = {"drafts": payload, "event_id": event_id, "fallback": DEFAULT_LANGUAGE}
    stored = await conn.fetch(_DELIVER.text, *_DELIVER.args(params))  # drafts stored before are absent
    data = {}
    for draft in reversed(drafts):  # the first draft of a user and kind is the one stored
        data[draft.user_id, draft.kind] = draft.data
    return [
        (
            user_id,
            {
                "id": id_,
                "kind": kind,
                "title": title,
                "body": body,
                "data": data[user_id, kind],
                "created_at": created_at,
                "read_at": None,
            },
        )
        for id_, created_at, user_id, kind, title, body in stored
    ]


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
    row = await (await driver(session)).fetchrow(rows.ONE, notification_id, user_id)
    return None if row is None else rows.item(row)


async def mark_all_read(session: AsyncSession, user_id: uuid.UUID, up_to: int | None) -> int:
    """Mark the user's unread notifications read (only those with id <= ``up_to`` if given,
    so one that arrived after the user looked stays unread)."""
    stmt = update(Notification).where(Notification.user_id == user_id, Notification.read_at.is_(None))
    if up_to is not None:
        stmt = stmt.where(Notification.id <= up_to)
    result = await session.execute(stmt.values(read_at=datetime.now(UTC)))
    return int(result.rowcount)  # type: ignore[attr-defined]
