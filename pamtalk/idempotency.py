"""What every ``Idempotency-Key`` write shares: the header, the answer to a key reused with
another request, and the marker on a replayed response. Where the key is stored and how it
is locked belongs to the service (its own table, in the same transaction as the write)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Header

from pamtalk.errors import Problem

IdempotencyKeyHeader = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=200,
        pattern=r"^[!-~]+$",
        description="Any unique printable string (a UUID is fine). A retry with the same key and request "
        "returns the first response and changes nothing; the same key with another request is a 422.",
    ),
]

REPLAYED = {"Idempotent-Replayed": "true"}  # header of a response given again for a retried key


def key_reused() -> Problem:
    return Problem(
        422,
        "This Idempotency-Key was used with a different request; use a new key for a new request.",
        type_="idempotency-key-reused",
        errors=[{"field": "Idempotency-Key", "in": "header", "message": "reused", "code": "reused"}],
    )
