"""A user's notifications: storing them and reading them back, and their read state.

Ordering guarantee the live stream relies on: for one user, notification ids are handed
out in commit order. ``DELIVER`` (the consumer's statement) takes a per-user advisory lock
(held to the end of the transaction) before drawing ids, so a second transaction for the
same user gets its id only after the first has committed. Hence "everything after id N" is
a gap-free cursor; without the lock, ids 10 and 11 could commit as 11 then 10, and a reader
at 11 would never see 10.

Rows come back as JSON-ready items (``Item``): the columns of ``COLUMNS``, in that order,
which ``pamtalk.json_body.dumps`` writes as the API shows a notification."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pamtalk.db.connections import decode_json
from pamtalk.db.folded import Fold
from pamtalk.db.statements import sql
from pamtalk.db.tx import Read, Tx
from services.notification.templates import DEFAULT_LANGUAGE, LANGUAGES, render

MAX_ID = 2**63 - 1  # bigint
Item = dict[str, Any]  # JSON-ready: the columns of COLUMNS, by name, in their order
Written = tuple[uuid.UUID, Item]  # whose, and what

# A notification as the API shows it (``data`` comes back decoded: the pool's JSON codec).
COLUMNS = "id, kind, title, body, data, created_at, read_at"
# Cursor pages go down the (user_id, id) indexes: ``id <= :upper`` is an index condition.
_NEWEST = sql(
    f"SELECT {COLUMNS} FROM notifications WHERE user_id = :user_id AND id <= :upper "
    "ORDER BY id DESC LIMIT :limit"
)
_NEWEST_UNREAD = sql(
    f"SELECT {COLUMNS} FROM notifications WHERE user_id = :user_id AND id <= :upper "
    "AND read_at IS NULL ORDER BY id DESC LIMIT :limit"
)
_AFTER = sql(
    f"SELECT {COLUMNS} FROM notifications WHERE user_id = :user_id AND id > :last_id ORDER BY id LIMIT :limit"
)
_ONE = sql(f"SELECT {COLUMNS} FROM notifications WHERE id = :id AND user_id = :user_id")
_LATEST_ID = sql("SELECT coalesce(max(id), 0) FROM notifications WHERE user_id = :user_id")
_UNREAD_COUNT = sql("SELECT count(*) FROM notifications WHERE user_id = :user_id AND read_at IS NULL")
_MARK_READ = sql(
    "UPDATE notifications SET read_at = :now WHERE id = :id AND user_id = :user_id AND read_at IS NULL"
)
_MARK_ALL_READ = sql(
    "UPDATE notifications SET read_at = :now WHERE user_id = :user_id AND read_at IS NULL AND id <= :up_to"
)

# The consumer's fold (``pamtalk.db.folded``): the notifications of any number of events in
# one statement with their inbox claims. The drafts come as one JSON array (``:rows``), each
# with its event's id, its place and its text in every language.
# * Only drafts of events claimed now are written (``claimed``: the kit's claim).
# * Locks: one per user, always in the same order (no deadlocks), taken in ``locked``; the
#   insert joins ``locked``, a one-row aggregate that exists only once every lock is held,
#   so no id is drawn before that. They are held until the statement's (or the batch's)
#   transaction commits, so ids of one user are handed out in commit order.
# * Ids follow the drafts' places: delivery order within a batch.
# * Language: the recipient's, else the default (unknown users); as ``language_of``.
# * A draft already stored for this event, user and kind is skipped (and so is a second
#   draft of the same user and kind within the event).
_DELIVER = """
drafts AS MATERIALIZED (
    SELECT d.n, d.event_id, d.user_id, d.kind, d.data, coalesce(
        d.texts -> (SELECT r.language FROM recipients AS r WHERE r.user_id = d.user_id),
        d.texts -> :fallback
    ) AS text
    FROM jsonb_to_recordset(CAST(:rows AS jsonb))
        AS d(n int, event_id uuid, user_id uuid, kind text, texts jsonb, data jsonb)
    WHERE d.event_id IN (SELECT event_id FROM claimed)
), locked AS MATERIALIZED (
    SELECT count(*) AS users FROM (
        SELECT pg_advisory_xact_lock(hashtextextended(k, 0))
        FROM (SELECT DISTINCT 'notification:' || user_id AS k FROM drafts) AS keys
        ORDER BY k
    ) AS taken
), written AS (
    INSERT INTO notifications (user_id, kind, title, body, data, event_id)
    SELECT d.user_id, d.kind, d.text ->> 0, d.text ->> 1, d.data, d.event_id
    FROM drafts AS d CROSS JOIN locked
    ORDER BY d.n
    ON CONFLICT (event_id, user_id, kind) DO NOTHING
    RETURNING id, created_at, user_id, kind, title, body, CAST(data AS text)
)"""
DELIVER = Fold(_DELIVER, values={"fallback": DEFAULT_LANGUAGE})


@dataclass(frozen=True)
class Draft:
    """A notification to write: who, what kind, which template and its values."""

    user_id: uuid.UUID
    kind: str
    template: str
    values: dict[str, Any] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)

    def as_row(self) -> dict[str, Any]:
        """The draft as a row of ``DELIVER``, its text rendered in every language."""
        texts = {lang: render(self.template, lang, self.values) for lang in LANGUAGES}
        return {"user_id": self.user_id, "kind": self.kind, "texts": texts, "data": self.data}


def items(written: Sequence[tuple[Any, ...]]) -> list[Written]:
    """The rows ``DELIVER`` wrote, as the API shows them, with whose they are."""
    return [
        (
            user_id,
            {
                "id": id_,
                "kind": kind,
                "title": title,
                "body": body,
                "data": decode_json(data),  # as the API reads it
                "created_at": created_at,
                "read_at": None,
            },
        )
        for id_, created_at, user_id, kind, title, body, data in written
    ]


async def newest_first(
    read: Read, user_id: uuid.UUID, *, before: int | None, limit: int, unread_only: bool
) -> list[Item]:
    """The user's notifications with an id below ``before`` (all if None), newest first."""
    upper = MAX_ID if before is None else before - 1
    found = await read.fetch(
        _NEWEST_UNREAD if unread_only else _NEWEST, user_id=user_id, upper=upper, limit=limit
    )
    return [dict(row) for row in found]


async def after(read: Read, user_id: uuid.UUID, last_id: int, limit: int) -> list[Item]:
    """The user's notifications with an id above ``last_id``, oldest first (stream replay)."""
    return [dict(row) for row in await read.fetch(_AFTER, user_id=user_id, last_id=last_id, limit=limit)]


async def latest_id(read: Read, user_id: uuid.UUID) -> int:
    return int(await read.fetchval(_LATEST_ID, user_id=user_id))


async def unread_count(read: Read, user_id: uuid.UUID) -> int:
    return int(await read.fetchval(_UNREAD_COUNT, user_id=user_id))


async def mark_read(tx: Tx, user_id: uuid.UUID, notification_id: int, now: datetime) -> Item | None:
    """Mark one of the user's notifications read; None if it is not the user's or does not
    exist. The first read time stays, also when two requests race: the row is read by a
    statement of its own, after the update has waited for the other's lock (one statement
    would read its snapshot from before that commit)."""
    await tx.execute(_MARK_READ, id=notification_id, user_id=user_id, now=now)
    row = await tx.fetchrow(_ONE, id=notification_id, user_id=user_id)
    return None if row is None else dict(row)


async def mark_all_read(tx: Tx, user_id: uuid.UUID, up_to: int | None, now: datetime) -> int:
    """Mark the user's unread notifications read (only those with id <= ``up_to`` if given,
    so one that arrived after the user looked stays unread); how many were marked."""
    status = await tx.execute(
        _MARK_ALL_READ, user_id=user_id, up_to=MAX_ID if up_to is None else up_to, now=now
    )
    return int(status.rsplit(" ", 1)[1])  # "UPDATE <n>"
