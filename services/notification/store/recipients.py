"""Who gets notifications in which language: a copy of each user's language and name,
kept from ``user.registered`` and ``user.updated``. Unknown users read Korean
(``notifications.deliver`` picks each reader's language in its insert)."""

from __future__ import annotations

import uuid
from datetime import datetime

from pamtalk.db.statements import sql
from pamtalk.db.tx import Tx

# The row of an event older than the one kept is left as it is.
_REMEMBER = sql(
    """
INSERT INTO recipients AS r (user_id, language, display_name, updated_at)
VALUES (:user_id, :language, :display_name, :updated_at)
ON CONFLICT (user_id) DO UPDATE
SET language = excluded.language, display_name = excluded.display_name, updated_at = excluded.updated_at
WHERE r.updated_at < excluded.updated_at
"""
)


async def remember(tx: Tx, user_id: uuid.UUID, *, language: str, display_name: str, as_of: datetime) -> None:
    """Insert or update the user's language and name, unless what we have is newer."""
    await tx.execute(
        _REMEMBER, user_id=user_id, language=language, display_name=display_name, updated_at=as_of
    )
