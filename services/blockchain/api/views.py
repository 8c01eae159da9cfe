"""Turning stored ledger objects into API bodies, cache policies and cursors."""

from __future__ import annotations

from typing import Any

from fastapi import Response
from starlette.responses import JSONResponse

from pamtalk.errors import Problem
from pamtalk.idempotency import Replay
from pamtalk.pagination import decode_cursor
from services.blockchain.ledger.entry import LedgerEntry
from services.blockchain.ledger.tree_head import TreeHead
from services.blockchain.schemas import EntryObject, EntryOut, TreeHeadOut

MAX_INDEX = 2**62  # far beyond any ledger; keeps path and query numbers inside BIGINT

# Entries, heads of a given size and proofs between given sizes never change once they exist.
IMMUTABLE = "public, max-age=86400, immutable"
SHORT = "public, max-age=5"


def cache(response: Response, policy: str) -> None:
    response.headers["Cache-Control"] = policy


def entry_object(entry: LedgerEntry) -> EntryObject:
    return EntryObject.model_validate(entry.to_json_obj())


def entry_out(entry: LedgerEntry, leaf_hash: bytes) -> EntryOut:
    return EntryOut(entry=entry_object(entry), leaf_hash=leaf_hash.hex())


def head_out(head: TreeHead) -> TreeHeadOut:
    return TreeHeadOut.model_validate(head.to_json_obj())


def int_cursor(cursor: str | None) -> int | None:
    """The position a keyset cursor of ours holds (``None`` for none; 422 for anything else)."""
    if cursor is None:
        return None
    (value,) = decode_cursor(cursor, 1)
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_INDEX:
        raise Problem(422, "The cursor is not valid; use next_cursor as given.", type_="invalid-cursor")
    return value


def created(outcome: Replay | dict[str, Any]) -> Response:
    """The response of a token write: 201 and its body, or the first response to its key."""
    if isinstance(outcome, Replay):
        return outcome.response()
    return JSONResponse(outcome, status_code=201)
