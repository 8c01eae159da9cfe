"""Notifications as plain rows for the hot read paths: the SQL (written once, prepared once
per connection by asyncpg), run on the kit's pooled connections (``pamtalk.db.raw``), and
the rows turned straight into JSON-ready dicts (no ORM loading, no pydantic validation).

An item has the fields, in the order, of ``schemas.NotificationOut``; the kit's
``pamtalk.json_body.dumps`` writes it as pydantic would (UTC times with ``Z``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import orjson

from services.notification.models import Notification

Item = dict[str, Any]  # JSON-ready, the fields of ``schemas.NotificationOut``
TABLE = Notification.__table__.fullname  # type: ignore[attr-defined]
# ``data`` as text: orjson parses it faster than the driver's json codec would.
COLUMNS = "id, kind, title, body, data::text, created_at, read_at"
# Cursor pages go down the (user_id, id) indexes: ``id <= $2`` is an index condition.
NEWEST = f"SELECT {COLUMNS} FROM {TABLE} WHERE user_id = $1 AND id <= $2 ORDER BY id DESC LIMIT $3"
NEWEST_UNREAD = (
    f"SELECT {COLUMNS} FROM {TABLE} WHERE user_id = $1 AND id <= $2 AND read_at IS NULL "
    "ORDER BY id DESC LIMIT $3"
)
AFTER = f"SELECT {COLUMNS} FROM {TABLE} WHERE user_id = $1 AND id > $2 ORDER BY id LIMIT $3"
ONE = f"SELECT {COLUMNS} FROM {TABLE} WHERE id = $1 AND user_id = $2"
LATEST_ID = f"SELECT coalesce(max(id), 0) FROM {TABLE} WHERE user_id = $1"
UNREAD_COUNT = f"SELECT count(*) FROM {TABLE} WHERE user_id = $1 AND read_at IS NULL"


def item(row: Sequence[Any]) -> Item:
    """A row of ``COLUMNS`` as the JSON-ready item."""
    return {
        "id": row[0],
        "kind": row[1],
        "title": row[2],
        "body": row[3],
        "data": orjson.loads(row[4]),
        "created_at": row[5],
        "read_at": row[6],
    }
