"""My profile, my wallet, and (for admins) other users and role grants.

Reads go to the primary: a user reads the profile they have just changed, an admin the role
they have just granted."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from pamtalk.deps import AdminUser, CurrentUser, Db, Write
from pamtalk.errors import Problem, problem_responses
from services.user import accounts
from services.user.schemas import PasswordChange, ProfileUpdate, RoleGrant, UserOut, WalletLink
from services.user.state import State

router = APIRouter(prefix="/api/v1/users", tags=["users"], responses=problem_responses(401, 404, 422))
Admin = AdminUser


@router.get("/me", response_model=UserOut, summary="My account")
async def get_me(principal: CurrentUser, db: Db) -> UserOut:
    async with db.read("primary") as read:
        return await accounts.get_user(read, principal.id)


@router.patch("/me", response_model=UserOut, summary="Update my display name, language or phone")
async def update_me(body: ProfileUpdate, principal: CurrentUser, tx: Write) -> UserOut:
    return await accounts.update_profile(tx, principal.id, body)


@router.put("/me/password", status_code=204, summary="Change my password", responses=problem_responses(403))
async def change_password(body: PasswordChange, principal: CurrentUser, tx: Write, state: State) -> None:
    await accounts.change_password(
        tx, principal.id, body.current_password, body.new_password, state.passwords
    )
    tx.after_commit(lambda: state.sessions.revoke_tokens_of(principal.id))


@router.put(
    "/me/wallet",
    response_model=UserOut,
    summary="Link my wallet address (for ESG-GOLD tokens)",
    responses=problem_responses(409),
)
async def link_wallet(body: WalletLink, principal: CurrentUser, tx: Write) -> UserOut:
    return await accounts.link_wallet(tx, principal.id, body.address)


@router.get("/{user_id}", response_model=UserOut, summary="A user (yourself, or anyone for admins)")
async def get_user(user_id: uuid.UUID, principal: CurrentUser, db: Db) -> UserOut:
    if not accounts.can_read(principal, user_id):
        raise Problem(404, "No such user.", type_="user-not-found")
    async with db.read("primary") as read:
        return await accounts.get_user(read, user_id)


@router.put(
    "/{user_id}/role",
    response_model=UserOut,
    summary="Grant a role (admins only)",
    responses=problem_responses(403),
)
async def grant_role(user_id: uuid.UUID, body: RoleGrant, admin: Admin, tx: Write, state: State) -> UserOut:
    granted = await accounts.grant_role(tx, user_id, body.role)
    # The tokens that carry the old role stop working on every service within seconds.
    tx.after_commit(lambda: state.sessions.revoke_tokens_of(user_id))
    return granted
