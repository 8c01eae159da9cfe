"""ESG-GOLD wallets: my wallets and their history, a wallet's public balance, the supply, and
a wallet owner's transfers and redemptions (each accepts an ``Idempotency-Key``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from starlette.responses import Response

from pamtalk.deps import CurrentUser, Db, Write
from pamtalk.errors import Problem, problem_responses
from pamtalk.idempotency import IdempotencyKeyHeader, IdempotentRequest
from pamtalk.pagination import Page, encode_cursor
from services.blockchain.api.views import created, int_cursor
from services.blockchain.append import LedgerWriter
from services.blockchain.schemas import (
    ADDRESS_PATTERN,
    MovementOut,
    MyWalletsOut,
    RedeemIn,
    RedemptionOut,
    SupplyOut,
    TransferIn,
    TransferOut,
    WalletOut,
)
from services.blockchain.state import State
from services.blockchain.store import wallets as store
from services.blockchain.tokens import redemptions, transfers, wallets
from services.blockchain.tokens.once import write_once
from services.blockchain.tokens.rules import format_dc

router = APIRouter(prefix="/api/v1/wallets", tags=["wallets"], responses=problem_responses(422))
Address = Annotated[str, Path(pattern=ADDRESS_PATTERN, description="0x..., user:<id> or treasury:pamtalk")]
Limit = Annotated[int, Query(ge=1, le=200)]


def wallet_out(view: wallets.WalletView) -> WalletOut:
    return WalletOut(
        address=view.address,
        kind=view.kind,
        balance_micro=view.balance_micro,
        balance_dc=format_dc(view.balance_micro),
    )


def history_page(rows: Sequence[Mapping[str, Any]], limit: int) -> Page[MovementOut]:
    items = [
        MovementOut(
            id=r["id"],
            wallet=r["wallet"],
            ledger_index=r["ledger_index"],
            kind=r["kind"],
            amount_micro=int(r["delta_micro"]),
            balance_after_micro=int(r["balance_after_micro"]),
            counterparty=r["counterparty"],
            reason=r["reason"],
            reference=r["reference"],
            at=r["created_at"],
        )
        for r in rows[:limit]
    ]
    return Page(items=items, next_cursor=encode_cursor(rows[limit - 1]["id"]) if len(rows) > limit else None)


@router.get(
    "/me",
    response_model=MyWalletsOut,
    summary="My wallets and their balances",
    responses=problem_responses(401),
)
async def list_my_wallets(principal: CurrentUser, db: Db) -> MyWalletsOut:
    async with db.read("primary") as read:  # the caller sees their own last transfer
        views = await wallets.owned_by(read, principal.id)
    return MyWalletsOut(
        owner_id=principal.id,
        total_micro=sum(v.balance_micro for v in views),
        wallets=[wallet_out(v) for v in views],
    )


@router.get(
    "/me/history",
    response_model=Page[MovementOut],
    summary="Movements of all my wallets, newest first",
    responses=problem_responses(401),
)
async def list_my_wallet_history(
    principal: CurrentUser, db: Db, cursor: str | None = None, limit: Limit = 50
) -> Page[MovementOut]:
    before = int_cursor(cursor)
    async with db.read("primary") as read:
        mine = [v.address for v in await wallets.owned_by(read, principal.id)]
        rows = await store.history(read, mine, before, limit + 1)
    return history_page(rows, limit)


@router.get("/supply", response_model=SupplyOut, summary="ESG-GOLD minted, burned and in circulation")
async def get_token_supply(db: Db) -> SupplyOut:
    async with db.read("replica") as read:
        minted, burned, circulating = await store.supply(read)
    return SupplyOut(minted_micro=minted, burned_micro=burned, circulating_micro=circulating)


@router.get(
    "/{address}",
    response_model=WalletOut,
    summary="A wallet's public balance",
    responses=problem_responses(404),
)
async def get_wallet(address: Address, db: Db) -> WalletOut:
    normalised = wallets.normalise(address)
    async with db.read("primary") as read:  # its owner checks it after a transfer
        view = await wallets.find(read, normalised) if normalised else None
    if view is None:
        raise Problem(404, "No such wallet.", type_="wallet-not-found")
    return wallet_out(view)


@router.get(
    "/{address}/history",
    response_model=Page[MovementOut],
    summary="Movements of a wallet I own, newest first",
    responses=problem_responses(401, 403, 404),
)
async def list_wallet_history(
    address: Address, principal: CurrentUser, db: Db, cursor: str | None = None, limit: Limit = 50
) -> Page[MovementOut]:
    before = int_cursor(cursor)
    async with db.read("primary") as read:
        view = await wallets.owned_wallet(read, principal.id, address)
        rows = await store.history(read, [view.address], before, limit + 1)
    return history_page(rows, limit)


@router.post(
    "/{address}/transfers",
    status_code=201,
    response_model=None,
    summary="Transfer DC from a wallet I own",
    responses={201: {"model": TransferOut}, **problem_responses(401, 403, 404, 409)},
)
async def transfer_tokens(
    address: Address,
    body: TransferIn,
    principal: CurrentUser,
    tx: Write,
    state: State,
    key: IdempotencyKeyHeader = None,
) -> Response:
    request = IdempotentRequest.of(principal.id, key, f"transfer:{address.lower()}", body)

    async def action(writer: LedgerWriter) -> TransferOut:
        return await transfers.transfer(writer, principal.id, address, body)

    return created(await write_once(tx, state, request, action))


@router.post(
    "/{address}/redeem",
    status_code=201,
    response_model=None,
    summary="Redeem DC as a marketplace discount (20 % of the purchase, 1,000 DC a day; 10 % burned)",
    responses={201: {"model": RedemptionOut}, **problem_responses(401, 403, 404, 409)},
)
async def redeem_tokens(
    address: Address,
    body: RedeemIn,
    principal: CurrentUser,
    tx: Write,
    state: State,
    key: IdempotencyKeyHeader = None,
) -> Response:
    request = IdempotentRequest.of(principal.id, key, f"redeem:{address.lower()}", body)

    async def action(writer: LedgerWriter) -> RedemptionOut:
        return await redemptions.redeem(writer, principal.id, address, body, state.clock())

    return created(await write_once(tx, state, request, action))
