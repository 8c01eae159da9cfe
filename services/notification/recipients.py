"""Who gets notifications in which language: a copy of each user's language and name,
kept from ``user.registered`` and ``user.updated``. Unknown users read Korean
(``store.deliver`` picks each reader's language in its insert)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from services.notification.models import Recipient
from services.notification.templates import language_of


async def remember(
    session: AsyncSession, user_id: uuid.UUID, language: str, display_name: str, as_of: datetime
) -> None:
    """Insert or update the user's language and name, unless what we have is newer."""
    stmt = insert(Recipient).values(
        user_id=user_id, language=language_of(language), display_name=display_name[:100], updated_at=as_of
    )
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=[Recipient.user_id],
            set_={
                "language": stmt.excluded.language,
                "display_name": stmt.excluded.display_name,
                "updated_at": stmt.excluded.updated_at,
            },
            where=Recipient.updated_at < stmt.excluded.updated_at,
        )
    )
