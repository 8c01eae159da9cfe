"""ESG-GOLD wallets: my wallets and their history, a wallet's public balance, the supply."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from sqlalchemy import Select, func, select

from pamtalk.db.raw import driver
from pamtalk.deps import CurrentUser, DbSession
from pamtalk.errors import Problem, problem_responses
from pamtalk.pagination import Page, encode_cursor
from services.blockchain import wallets
from services.blockchain.api.views import int_cursor
from services.blockchain.models import TokenMovementRow, Wallet
from services.blockchain.schemas import MovementOut, MyWalletsOut, SupplyOut, WalletOut
from services.blockchain.tokens import format_dc
from services.blockchain.wallet_actions import owned_wallet

router = APIRouter(prefix="/api/v1/wallets", tags=["wallets"], responses=problem_responses(422))
Address = Annotated[
    str, Path(pattern=wallets.ADDRESS_PATTERN, description="0x..., user:<id> or treasury:pamtalk")
]
Limit = Annotated[int, Query(ge=1, le=200)]


def wallet_out(view: wallets.WalletView) -> WalletOut:
    return WalletOut(
        address=view.address,
        kind=view.kind,
        balance_micro=view.balance_micro,
        balance_dc=format_dc(view.balance_micro),
    )


async def _history(
    session: DbSession, query: Select[TokenMovementRow], cursor: str | None, limit: int
) -> Page[MovementOut]:
    if cursor is not None:
        query = query.where(TokenMovementRow.id < int_cursor(cursor))
    rows = (
        (await session.execute(query.order_by(TokenMovementRow.id.desc()).limit(limit + 1))).scalars().all()
    )
    items = [
        MovementOut(
            id=r.id,
            wallet=r.wallet,
            ledger_index=r.ledger_index,
            kind=r.kind,
            amount_micro=r.delta_micro,
            balance_after_micro=r.balance_after_micro,
            counterparty=r.counterparty,
            reason=r.reason,
            reference=r.reference,
            at=r.created_at,
        )
        for r in rows[:limit]
    ]
    return Page(items=items, next_cursor=encode_cursor(rows[limit - 1].id) if len(rows) > limit else None)


@router.get(
    "/me",
    response_model=MyWalletsOut,
    summary="My wallets and their balances",
    responses=problem_responses(401),
)
async def my_wallets(principal: CurrentUser, session: DbSession) -> MyWalletsOut:
    views = await wallets.owned_by(await driver(session), principal.id)
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
async def my_history(
    principal: CurrentUser, session: DbSession, cursor: str | None = None, limit: Limit = 50
) -> Page[MovementOut]:
    mine = [v.address for v in await wallets.owned_by(await driver(session), principal.id)]
    return await _history(
        session, select(TokenMovementRow).where(TokenMovementRow.wallet.in_(mine)), cursor, limit
    )


@router.get("/supply", response_model=SupplyOut, summary="ESG-GOLD minted, burned and in circulation")
async def supply(session: DbSession) -> SupplyOut:
    totals = dict(
        (
            await session.execute(
                select(TokenMovementRow.kind, func.sum(TokenMovementRow.delta_micro))
                .where(TokenMovementRow.kind.in_(("minted", "burned")))
                .group_by(TokenMovementRow.kind)
            )
        ).all()
    )
    circulating = await session.scalar(select(func.coalesce(func.sum(Wallet.balance_micro), 0)))
    return SupplyOut(
        minted_micro=int(totals.get("minted") or 0),
        burned_micro=-int(totals.get("burned") or 0),
        circulating_micro=int(circulating or 0),
    )


@router.get(
    "/{address}",
    response_model=WalletOut,
    summary="A wallet's public balance",
    responses=problem_responses(404),
)
async def public_wallet(address: Address, session: DbSession) -> WalletOut:
    normalised = wallets.normalise(address)
    view = await wallets.find(await driver(session), normalised) if normalised else None
    if view is None:
        raise Problem(404, "No such wallet.", type_="wallet-not-found")
    return wallet_out(view)


@router.get(
    "/{address}/history",
    response_model=Page[MovementOut],
    summary="Movements of a wallet I own, newest first",
    responses=problem_responses(401, 403, 404),
)
async def wallet_history(
    address: Address, principal: CurrentUser, session: DbSession, cursor: str | None = None, limit: Limit = 50
) -> Page[MovementOut]:
    view = await owned_wallet(await driver(session), principal.id, address)
    query = select(TokenMovementRow).where(TokenMovementRow.wallet == view.address)
    return await _history(session, query, cursor, limit)
