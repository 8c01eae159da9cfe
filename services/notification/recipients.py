"""Who gets notifications in which language: a copy of each user's language and name,
kept from ``user.registered`` and ``user.updated``. Unknown users read Korean
(``store.deliver`` picks each reader's language in its insert)."""

from __future__ import annotations

from datetime import datetime

import asyncpg

from pamtalk.db.raw import sql
from pamtalk.events.catalogue import UserRegistered, UserUpdated
from services.notification.models import Recipient
from services.notification.templates import language_of

RECIPIENTS = Recipient.__table__.fullname  # type: ignore[attr-defined]

# The row of an event older than the one kept is left as it is.
_REMEMBER = sql(
    f"""
INSERT INTO {RECIPIENTS} AS r (user_id, language, display_name, updated_at)
VALUES (:user_id, :language, :display_name, :updated_at)
ON CONFLICT (user_id) DO UPDATE
SET language = excluded.language, display_name = excluded.display_name, updated_at = excluded.updated_at
WHERE r.updated_at < excluded.updated_at
"""
)


async def remember(conn: asyncpg.Connection, user: UserRegistered | UserUpdated, as_of: datetime) -> None:
    """Insert or update the user's language and name, unless what we have is newer."""
    values = {
        "user_id": user.user_id,
        "language": language_of(user.language),
        "display_name": user.display_name[:100],
        "updated_at": as_of,
    }
    await conn.execute(_REMEMBER.text, *_REMEMBER.args(values))
