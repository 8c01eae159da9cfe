"""Keyset pages ordered newest first by (timestamp, id): the cursor of a page's last row, its
reading back (a cursor that is not one of ours is a 422, never a 500), and a page's fetch
with a store's two statements (the first page; the page after a keyset)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

from asyncpg import Record

from pamtalk.db.statements import Sql
from pamtalk.db.tx import Read
from pamtalk.errors import Problem
from pamtalk.pagination import decode_cursor, encode_cursor

Row = TypeVar("Row", bound=Any)  # a database row: its columns by name
Keyset = tuple[datetime, uuid.UUID]  # (timestamp, id) of the last row of the page before


def read_cursor(cursor: str) -> Keyset:
    at, row_id = decode_cursor(cursor, 2)
    try:
        when = datetime.fromisoformat(str(at))
        return (when if when.tzinfo else when.replace(tzinfo=UTC)), uuid.UUID(str(row_id))
    except ValueError as exc:
        raise Problem(
            422, "The cursor is not valid; use next_cursor as given.", type_="invalid-cursor"
        ) from exc


def page(rows: Sequence[Row], limit: int, key: tuple[str, str]) -> tuple[list[Row], str | None]:
    """The first ``limit`` of ``rows`` (fetched with ``limit + 1``) and the next cursor, made
    from the columns named in ``key`` (timestamp, id) of the last row kept."""
    kept = list(rows[:limit])
    if len(rows) <= limit or not kept:
        return kept, None
    last = kept[-1]
    at: datetime = last[key[0]]
    return kept, encode_cursor(at.isoformat(), last[key[1]])


async def fetch_page(
    read: Read, first: Sql, after_keyset: Sql, after: Keyset | None, limit: int, **values: Any
) -> list[Record]:
    """``first`` (the first page), or ``after_keyset`` with the keyset as ``:after_at`` and
    ``:after_id``; both take ``:limit`` and ``values``."""
    if after is None:
        return await read.fetch(first, limit=limit, **values)
    return await read.fetch(after_keyset, after_at=after[0], after_id=after[1], limit=limit, **values)
