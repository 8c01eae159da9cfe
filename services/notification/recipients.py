"""Who gets notifications in which language: a copy of each user's language and name,
kept from ``user.registered`` and ``user.updated``. Unknown users read Korean."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from services.notification.models import Recipient
from services.notification.templates import Language, language_of


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


async def languages(session: AsyncSession, user_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, Language]:
    ids = list(user_ids)
    rows = await session.execute(
        select(Recipient.user_id, Recipient.language).where(Recipient.user_id.in_(ids))
    )
    known = {user_id: language_of(lang) for user_id, lang in rows}
    return {user_id: known.get(user_id, language_of(None)) for user_id in ids}
