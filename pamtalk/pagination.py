"""Keyset (cursor) pagination: ``{items, next_cursor}``. A cursor is an opaque, URL-safe
encoding of the sort key of the last item; a bad cursor is a 422, never a 500."""

from __future__ import annotations

import base64
from typing import Any, Generic, TypeVar

import orjson
from pydantic import BaseModel

from pamtalk.errors import Problem

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


def encode_cursor(*values: Any) -> str:
    return base64.urlsafe_b64encode(orjson.dumps(list(values), default=str)).decode().rstrip("=")


def decode_cursor(cursor: str, arity: int) -> list[Any]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = orjson.loads(raw)
    except (ValueError, orjson.JSONDecodeError) as exc:
        raise Problem(
            422, "The cursor is not valid; use next_cursor as given.", type_="invalid-cursor"
        ) from exc
    if not isinstance(values, list) or len(values) != arity:
        raise Problem(422, "The cursor is not valid; use next_cursor as given.", type_="invalid-cursor")
    return values
