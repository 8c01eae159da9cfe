"""JSON bodies written straight from rows, as FastAPI's pydantic output would write them:
decimals as strings, UUIDs (asyncpg's own class included) as strings, UTC times with ``Z``.
For hot paths that skip response-model validation; each service's tests hold its output to
the bytes of the response model."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import orjson
from starlette.responses import Response


def _default(value: Any) -> str:
    # asyncpg returns its own UUID class, which orjson does not take for a uuid.UUID
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def dumps(value: Any) -> bytes:
    return orjson.dumps(value, default=_default, option=orjson.OPT_UTC_Z)


def json_response(body: Any, status_code: int = 200, headers: Mapping[str, str] | None = None) -> Response:
    return Response(dumps(body), status_code=status_code, headers=headers, media_type="application/json")
