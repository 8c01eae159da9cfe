"""Ledger entries, their inclusion proofs and verification bundles, and consistency proofs.
Public: the ledger is meant to be checked by anyone (entries carry ids, never names)."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response
from sqlalchemy import select
from starlette.responses import JSONResponse

from pamtalk.deps import DbSession
from pamtalk.errors import Problem, problem_responses
from pamtalk.pagination import Page, encode_cursor
from services.blockchain import ledger_reads
from services.blockchain.api.views import (
    IMMUTABLE,
    MAX_INDEX,
    SHORT,
    State,
    cache,
    entry_object,
    entry_out,
    head_out,
    int_cursor,
)
from services.blockchain.ledger.entry import EntryKind, LedgerEntry
from services.blockchain.models import LedgerEntryRow
from services.blockchain.schemas import (
    BundleOut,
    ConsistencyOut,
    EntryOut,
    EntryWithProofOut,
    InclusionProofOut,
)

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
async def list_entries(
    session: DbSession,
    response: Response,
    reference: Annotated[str | None, Query(max_length=200, description="e.g. trade:<trade id>")] = None,
    kind: EntryKind | None = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Page[EntryOut]:
    query = select(LedgerEntryRow.data, LedgerEntryRow.leaf_hash, LedgerEntryRow.index)
    if reference is not None:
        query = query.where(LedgerEntryRow.reference == reference)
    if kind is not None:
        query = query.where(LedgerEntryRow.kind == kind.value)
    if cursor is not None:
        after = int_cursor(cursor)
        query = query.where(LedgerEntryRow.index > after)
    rows = (await session.execute(query.order_by(LedgerEntryRow.index).limit(limit + 1))).all()
    items = [
        entry_out(LedgerEntry.from_canonical_bytes(bytes(r.data)), bytes(r.leaf_hash)) for r in rows[:limit]
    ]
    cache(response, SHORT)
    return Page(items=items, next_cursor=encode_cursor(rows[limit - 1].index) if len(rows) > limit else None)


@router.get(
    "/entries/{index}",
    response_model=EntryWithProofOut,
    summary="An entry with its inclusion proof against the latest signed tree head",
    responses=problem_responses(404),
)
async def get_entry(index: Index, session: DbSession, response: Response) -> EntryWithProofOut:
    head = await ledger_reads.latest_head(session)
    found = await ledger_reads.entry_at(session, index)
    if head is None or found is None or index >= head.tree_size:
        raise _no_entry(index)
    entry, leaf = found
    proof = await ledger_reads.inclusion_proof(session, index, head.tree_size)
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
async def get_bundle(index: Index, session: DbSession, state: State) -> Response:
    try:
        found = await ledger_reads.bundle(session, index, state.public_keys, state.contract_address)
    except ledger_reads.UnknownSigningKey as exc:
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
async def consistency(
    session: DbSession,
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
    head = await ledger_reads.latest_head(session)
    if second > (head.tree_size if head else 0):
        raise Problem(
            404, f"The ledger has no signed tree of size {second} yet.", type_="tree-size-not-found"
        )
    hashes = await ledger_reads.consistency_proof(session, first, second)
    cache(response, IMMUTABLE)
    return ConsistencyOut(first=first, second=second, hashes=[h.hex() for h in hashes])
