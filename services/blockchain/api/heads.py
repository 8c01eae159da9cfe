"""The ledger's public key and its signed tree heads (latest, by size, and all of them)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from pamtalk.deps import Db
from pamtalk.errors import Problem, problem_responses
from pamtalk.pagination import Page, encode_cursor
from services.blockchain.api.views import IMMUTABLE, MAX_INDEX, SHORT, cache, head_out, int_cursor
from services.blockchain.ledger.tree_head import load_public_key, public_key_b64
from services.blockchain.schemas import LedgerKeyOut, PublicKeyOut, PublicKeysOut, TreeHeadOut
from services.blockchain.state import State
from services.blockchain.store import ledger as store

router = APIRouter(prefix="/api/v1/ledger", tags=["ledger"], responses=problem_responses(422))


@router.get("/public-key", response_model=PublicKeyOut, summary="The Ed25519 key that signs tree heads")
async def get_ledger_public_key(state: State, response: Response) -> PublicKeyOut:
    cache(response, "public, max-age=3600")
    return PublicKeyOut(
        key_id=state.key_id, pem=state.public_key_pem, raw_base64=public_key_b64(state.signer.public_key)
    )


@router.get(
    "/public-keys",
    response_model=PublicKeysOut,
    summary="Every key whose tree heads verify: the current key first, then previous keys",
)
async def list_ledger_public_keys(state: State, response: Response) -> PublicKeysOut:
    cache(response, "public, max-age=3600")
    items = [
        LedgerKeyOut(
            key_id=kid,
            pem=pem,
            raw_base64=public_key_b64(load_public_key(pem)),
            current=kid == state.key_id,
        )
        for kid, pem in state.public_keys.items()
    ]
    return PublicKeysOut(items=items)


@router.get(
    "/heads/latest",
    response_model=TreeHeadOut,
    summary="The latest signed tree head",
    responses=problem_responses(404),
)
async def get_latest_tree_head(db: Db, response: Response) -> TreeHeadOut:
    async with db.read("replica") as read:
        head = await store.latest_head(read)
    if head is None:
        raise Problem(404, "The ledger is empty: no tree head was signed yet.", type_="tree-head-not-found")
    cache(response, SHORT)
    return head_out(head)


@router.get(
    "/heads/{tree_size}",
    response_model=TreeHeadOut,
    summary="The signed tree head issued for a tree size",
    responses=problem_responses(404),
)
async def get_tree_head(
    tree_size: Annotated[int, Path(ge=0, le=MAX_INDEX)], db: Db, response: Response
) -> TreeHeadOut:
    async with db.read("replica") as read:
        head = await store.head_at(read, tree_size)
    if head is None:
        raise Problem(404, f"No tree head was signed for size {tree_size}.", type_="tree-head-not-found")
    cache(response, IMMUTABLE)
    return head_out(head)


@router.get("/heads", response_model=Page[TreeHeadOut], summary="Signed tree heads, newest first")
async def list_tree_heads(
    db: Db,
    response: Response,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Page[TreeHeadOut]:
    before = int_cursor(cursor)
    async with db.read("replica") as read:
        heads = await store.head_page(read, before, limit + 1)
    cache(response, SHORT)
    next_cursor = encode_cursor(heads[limit - 1].tree_size) if len(heads) > limit else None
    return Page(items=[head_out(h) for h in heads[:limit]], next_cursor=next_cursor)
