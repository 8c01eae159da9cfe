"""Anchors of the ledger on a chain, the chain the service anchors on, and (in-process chain
only) a read-only JSON-RPC endpoint for the verifier's ``--rpc``."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from starlette.responses import JSONResponse

from pamtalk.deps import Db
from pamtalk.errors import Problem, problem_responses
from pamtalk.pagination import Page, encode_cursor
from services.blockchain.anchoring.outcomes import ChainUnavailable
from services.blockchain.api.views import SHORT, cache, int_cursor
from services.blockchain.schemas import AnchorOut, ChainOut, RpcRequest, RpcResponse
from services.blockchain.state import State
from services.blockchain.store import anchors

router = APIRouter(prefix="/api/v1/ledger", tags=["anchors"], responses=problem_responses(422))
RPC_PATH = "/api/v1/ledger/chain/rpc"


@router.get("/anchors", response_model=Page[AnchorOut], summary="Roots written to the chain, newest first")
async def list_anchors(
    db: Db,
    response: Response,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Page[AnchorOut]:
    before = int_cursor(cursor)
    async with db.read("replica") as read:
        rows = await anchors.page(read, before, limit + 1)
    items = [
        AnchorOut(
            tree_size=r["tree_size"],
            root_hash=bytes(r["root_hash"]).hex(),
            chain_id=r["chain_id"],
            contract_address=r["contract_address"],
            tx_hash="0x" + bytes(r["tx_hash"]).hex(),
            block_number=r["block_number"],
            anchored_at=r["anchored_at"],
        )
        for r in rows[:limit]
    ]
    cache(response, SHORT)
    next_cursor = encode_cursor(rows[limit - 1]["id"]) if len(rows) > limit else None
    return Page(items=items, next_cursor=next_cursor)


@router.get("/chain", response_model=ChainOut, summary="Where the ledger is anchored")
async def get_chain_info(state: State) -> ChainOut:
    client = state.anchor_client
    if client is None:
        return ChainOut(anchoring=False, mode="off")
    chain_id: int | None
    try:
        chain_id = await asyncio.to_thread(client.chain_id)
    except ChainUnavailable:
        chain_id = None
    return ChainOut(
        anchoring=True,
        mode="in-process" if state.in_process_chain else "json-rpc",
        contract_address=state.contract_address,
        chain_id=chain_id,
        rpc_path=RPC_PATH if state.in_process_chain else None,
    )


@router.post(
    "/chain/rpc",
    response_model=None,
    summary="Read-only JSON-RPC of the in-process chain (embedded mode only)",
    responses={200: {"model": RpcResponse}, **problem_responses(404)},
)
async def call_chain_rpc(body: RpcRequest, state: State) -> Response:
    if state.anchor_client is None or not state.in_process_chain:
        raise Problem(
            404,
            "This service anchors on an external chain: ask a node of your own choosing.",
            type_="no-in-process-chain",
        )
    # the bridge needs web3, loaded already: this service anchors on its in-process chain
    from services.blockchain.anchoring.chain_rpc import RpcRefused, client_rpc

    rpc = client_rpc(state.anchor_client)
    reply: dict[str, Any] = {"jsonrpc": "2.0", "id": body.id}
    try:
        reply["result"] = await asyncio.to_thread(rpc, body.method, body.params)
    except RpcRefused as exc:
        reply["error"] = {"code": -32601, "message": str(exc)}
    except Exception as exc:  # the chain's own error for a bad call: the caller's problem
        reply["error"] = {"code": -32000, "message": f"{type(exc).__name__}: {exc}"}
    return JSONResponse(reply)
