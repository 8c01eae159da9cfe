"""The answer to a client that must slow down: 429 with ``Retry-After``."""

from __future__ import annotations

from pamtalk.errors import Problem


def too_many(retry_after: int, detail: str) -> Problem:
    return Problem(
        429,
        detail,
        type_="too-many-requests",
        headers={"Retry-After": str(retry_after)},
        retry_after=retry_after,
    )
