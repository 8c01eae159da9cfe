"""Trade ids are UUIDv7 (RFC 9562): the first 48 bits are the creation time in Unix
milliseconds, and a trade's ``created_at`` is exactly that millisecond. A trade is found by
its id alone with ``WHERE id = :id AND created_at = :t``, which PostgreSQL prunes to one
monthly partition and answers from that partition's primary-key index."""

from __future__ import annotations

import os
import uuid
from datetime import UTC, datetime, timedelta

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MS = timedelta(milliseconds=1)


def to_millisecond(at: datetime) -> datetime:
    """``at`` in UTC, truncated to the millisecond (what a UUIDv7 can carry)."""
    at = at.astimezone(UTC)
    return at.replace(microsecond=at.microsecond - at.microsecond % 1000)


def new_trade_id(at: datetime) -> uuid.UUID:
    """A UUIDv7 for a trade created at ``at`` (give it ``to_millisecond(at)``)."""
    ms = (at - EPOCH) // _MS
    rand = int.from_bytes(os.urandom(10), "big")
    rand_a, rand_b = rand >> 68, rand & ((1 << 62) - 1)
    value = (ms & ((1 << 48) - 1)) << 80 | 0x7 << 76 | rand_a << 64 | 0b10 << 62 | rand_b
    return uuid.UUID(int=value)


def created_at_of(trade_id: uuid.UUID) -> datetime | None:
    """The creation time a trade id carries; None when it is not a UUIDv7 we could have made."""
    if trade_id.variant != uuid.RFC_4122 or trade_id.version != 7:
        return None
    try:
        return EPOCH + (trade_id.int >> 80) * _MS
    except OverflowError:
        return None
