"""Effects that are rows: written by one statement that also claims their events.

Most effects of a consumer write rows computed from the event alone (a notification, a
copy of a farm). A consumer declares such an effect as a function from the event to its rows
(``Effects.rows``) and gives one ``Fold``: the statement that writes the rows of any number of
events. The inbox (``pamtalk.db.inbox``) then applies an event, or a batch of them, whose
effects are all rows as **one statement**: the claim of every event, the rows of the claimed
ones, no ``BEGIN``, no ``COMMIT`` (a statement alone is its own transaction). Where a batch
also holds an event with an effect of its own (``Effects.on``), the batch is one transaction as
before and the fold is one statement of it, after the other effects.

The statement (``body``) is written as the CTEs that follow the kit's ``claimed(event_id)``:
it reads the rows from the JSON array ``:rows`` (each row as its function gave it, plus its
event's ``event_id`` and its place ``n`` in delivery order), writes only the rows of claimed
events, and ends with a CTE named ``written`` whose ``RETURNING`` is what ``after`` needs.
The kit puts the claim before it and the result after it::

    WITH claimed AS (INSERT INTO inbox ... ON CONFLICT DO NOTHING RETURNING event_id), <body>
    SELECT ARRAY(SELECT event_id FROM claimed), ARRAY(SELECT w FROM written AS w)

(in a transaction, ``claimed`` is the events its own claim took). What the consumer gives as
``after`` (``Effects(fold, after=...)``) gets the written rows, as tuples in ``RETURNING``'s
order, once they are committed."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson

from pamtalk.db.statements import Sql, sql
from pamtalk.db.tx import Read

Row = Mapping[str, Any]
Written = Sequence[tuple[Any, ...]]
After = Callable[[Written], Awaitable[None]]

# The ids come as a JSON array, not a uuid[]: PostgreSQL estimates a JSON array's length the
# same (100) with or without its value, and an array's exactly only with it; with estimates
# that differ, it plans this statement anew at every execution (~0.13 ms here) instead of
# keeping one plan for the statement.
_CLAIMING = (
    "WITH claimed AS (INSERT INTO inbox (consumer, event_id) "
    "SELECT :consumer, CAST(id AS uuid) FROM jsonb_array_elements_text(CAST(:event_ids AS jsonb)) AS id "
    "ON CONFLICT DO NOTHING RETURNING event_id), "
)
_CLAIMED = (
    "WITH claimed AS (SELECT CAST(id AS uuid) AS event_id "
    "FROM jsonb_array_elements_text(CAST(:event_ids AS jsonb)) AS id), "
)
_RESULT = (
    "\nSELECT ARRAY(SELECT event_id FROM claimed) AS claimed, ARRAY(SELECT w FROM written AS w) AS written"
)


@dataclass(frozen=True)
class Fold:
    """The statement writing the rows of a consumer's events (see the module) and the
    constant values it takes besides ``:rows``."""

    body: str
    values: Mapping[str, Any] = field(default_factory=dict)
    claiming: Sql = field(init=False)
    claimed: Sql = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "claiming", sql(_CLAIMING + self.body + _RESULT))
        object.__setattr__(self, "claimed", sql(_CLAIMED + self.body + _RESULT))

    @property
    def statements(self) -> tuple[Sql, Sql]:
        """Both forms of the statement (for tests that prepare every statement of a store)."""
        return self.claiming, self.claimed

    async def write(
        self, read: Read, rows: Sequence[Row], event_ids: Sequence[uuid.UUID], consumer: str | None
    ) -> tuple[list[uuid.UUID], Written]:
        """Write ``rows``: claiming ``event_ids`` for ``consumer`` in the same statement, or, with
        no consumer, for events this transaction has claimed already. The ids claimed now (all of
        them, given none) and the rows written."""
        payload, ids = orjson.dumps(rows).decode(), orjson.dumps(event_ids).decode()
        if consumer is None:
            found = await read.fetchrow(self.claimed, event_ids=ids, rows=payload, **self.values)
        else:
            found = await read.fetchrow(
                self.claiming, consumer=consumer, event_ids=ids, rows=payload, **self.values
            )
        assert found is not None  # a SELECT of two arrays: one row
        return list(found["claimed"]), found["written"]
