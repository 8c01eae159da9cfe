"""Turning stored ledger objects into API bodies."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Response

from pamtalk.errors import Problem
from pamtalk.pagination import decode_cursor
from services.blockchain.ledger.entry import LedgerEntry
from services.blockchain.ledger.tree_head import TreeHead
from services.blockchain.schemas import EntryObject, EntryOut, TreeHeadOut
from services.blockchain.state import BlockchainState, blockchain_state

State = Annotated[BlockchainState, Depends(blockchain_state)]
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


def int_cursor(cursor: str) -> int:
    """The position a keyset cursor of ours holds (422 for anything else)."""
    (value,) = decode_cursor(cursor, 1)
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_INDEX:
        raise Problem(422, "The cursor is not valid; use next_cursor as given.", type_="invalid-cursor")
    return value
