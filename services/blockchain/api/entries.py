"""Ledger entries, their inclusion proofs and verification bundles, and consistency proofs.
Public: the ledger is meant to be checked by anyone (entries carry ids, never names)."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response
from starlette.responses import JSONResponse

from pamtalk.deps import Db
from pamtalk.errors import Problem, problem_responses
from pamtalk.pagination import Page, encode_cursor
from services.blockchain import proofs
from services.blockchain.api.views import (
    IMMUTABLE,
    MAX_INDEX,
    SHORT,
    cache,
    entry_object,
    entry_out,
    head_out,
    int_cursor,
)
from services.blockchain.ledger.entry import EntryKind, LedgerEntry
from services.blockchain.schemas import (
    BundleOut,
    ConsistencyOut,
    EntryOut,
    EntryWithProofOut,
    InclusionProofOut,
)
from services.blockchain.state import State
from services.blockchain.store import ledger as store

router = APIRouter(prefix="/api/v1/ledger", tags=["ledger"], responses=problem_responses(422))
log = logging.getLogger("pamtalk.blockchain")
Index = Annotated[int, Path(ge=0, le=MAX_INDEX, description="the entry's position (0-based)")]


def _no_entry(index: int) -> Problem:
    return Problem(
        404, f"No ledger entry {index} (or no signed tree head covers it yet).", type_="entry-not-found"
    )


@router.get(
    "/entries", response_model=Page[EntryOut], summary="Entries, oldest first; look one up by reference"
)
async def list_ledger_entries(
    db: Db,
    response: Response,
    reference: Annotated[str | None, Query(max_length=200, description="e.g. trade:<trade id>")] = None,
    kind: EntryKind | None = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Page[EntryOut]:
    after = int_cursor(cursor)
    async with db.read("replica") as read:
        rows = await store.entry_page(read, after, limit + 1, reference, kind.value if kind else None)
    items = [
        entry_out(LedgerEntry.from_canonical_bytes(bytes(r["data"])), bytes(r["leaf_hash"]))
        for r in rows[:limit]
    ]
    cache(response, SHORT)
    return Page(
        items=items, next_cursor=encode_cursor(rows[limit - 1]["index"]) if len(rows) > limit else None
    )


@router.get(
    "/entries/{index}",
    response_model=EntryWithProofOut,
    summary="An entry with its inclusion proof against the latest signed tree head",
    responses=problem_responses(404),
)
async def get_ledger_entry(index: Index, db: Db, response: Response) -> EntryWithProofOut:
    async with db.read("replica") as read:
        head = await store.latest_head(read)
        found = await proofs.entry_at(read, index)
        if head is None or found is None or index >= head.tree_size:
            raise _no_entry(index)
        proof = await proofs.inclusion_proof(read, index, head.tree_size)
    entry, leaf = found
    cache(response, SHORT)
    return EntryWithProofOut(
        entry=entry_object(entry),
        leaf_hash=leaf.hex(),
        inclusion_proof=InclusionProofOut(
            leaf_index=index, tree_size=head.tree_size, hashes=[h.hex() for h in proof]
        ),
        tree_head=head_out(head),
    )


@router.get(
    "/entries/{index}/bundle",
    response_model=None,
    summary="The verification bundle of an entry (the verifier's input, anchor included once anchored)",
    description="The bundle carries the public key that signed its tree head (after a key rotation "
    "a previous key, until a head signed with the current key covers the entry). 500 "
    "`ledger-key-unknown` when that key is neither the current key nor among "
    "PAMTALK_BLOCKCHAIN_LEDGER_PREVIOUS_PUBLIC_KEYS: a configuration fault, no bundle is served.",
    responses={200: {"model": BundleOut}, **problem_responses(404, 500)},
)
async def get_proof_bundle(index: Index, db: Db, state: State) -> Response:
    try:
        async with db.read("replica") as read:
            found = await proofs.bundle(read, index, state.public_keys, state.contract_address)
    except proofs.UnknownSigningKey as exc:
        log.error("the latest tree head is signed by key %s, which is not configured", exc.key_id)
        raise Problem(
            500,
            f"The latest tree head is signed by key {exc.key_id}, which this service does not know: "
            "list it in PAMTALK_BLOCKCHAIN_LEDGER_PREVIOUS_PUBLIC_KEYS.",
            type_="ledger-key-unknown",
            key_id=exc.key_id,
        ) from exc
    if found is None:
        raise _no_entry(index)
    return JSONResponse(found, headers={"Cache-Control": SHORT})


@router.get(
    "/consistency",
    response_model=ConsistencyOut,
    summary="Consistency proof between two tree sizes (RFC 6962 SUBPROOF)",
    responses=problem_responses(404),
)
async def get_consistency_proof(
    db: Db,
    response: Response,
    first: Annotated[int, Query(ge=0, le=MAX_INDEX)],
    second: Annotated[int, Query(ge=0, le=MAX_INDEX)],
) -> ConsistencyOut:
    if first > second:
        raise Problem(
            422,
            "first must not be larger than second.",
            errors=[{"field": "first", "in": "query", "message": "larger than second", "code": "order"}],
        )
    async with db.read("replica") as read:
        head = await store.latest_head(read)
        if second > (head.tree_size if head else 0):
            raise Problem(
                404, f"The ledger has no signed tree of size {second} yet.", type_="tree-size-not-found"
            )
        hashes = await proofs.consistency_proof(read, first, second)
    cache(response, IMMUTABLE)
    return ConsistencyOut(first=first, second=second, hashes=[h.hex() for h in hashes])
