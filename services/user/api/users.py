"""My profile, my wallet, and (for admins) other users and role grants."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends

from pamtalk.deps import AdminUser, CurrentUser, DbSession, ReadSession
from pamtalk.errors import Problem, problem_responses
from services.user import accounts
from services.user.schemas import PasswordChange, ProfileUpdate, RoleGrant, UserOut, WalletLink
from services.user.state import UserState, user_state

router = APIRouter(prefix="/api/v1/users", tags=["users"], responses=problem_responses(401, 404, 422))
Admin = AdminUser
State = Annotated[UserState, Depends(user_state)]


@router.get("/me", response_model=UserOut, summary="My account")
async def me(principal: CurrentUser, session: ReadSession) -> UserOut:
    return UserOut.model_validate(await accounts.get_user(session, principal.id))


@router.patch("/me", response_model=UserOut, summary="Update my display name, language or phone")
async def update_me(body: ProfileUpdate, principal: CurrentUser, session: DbSession) -> UserOut:
    user = await accounts.get_user(session, principal.id)
    return UserOut.model_validate(await accounts.update_profile(session, user, body))


@router.put("/me/password", status_code=204, summary="Change my password", responses=problem_responses(403))
async def change_password(
    body: PasswordChange, principal: CurrentUser, session: DbSession, state: State
) -> None:
    user = await accounts.get_user(session, principal.id)
    if not await state.passwords.verify(user.password_hash, body.current_password):
        raise Problem(403, "The current password is wrong.", type_="invalid-credentials")
    user.password_hash = await state.passwords.hash(body.new_password)


@router.put(
    "/me/wallet",
    response_model=UserOut,
    summary="Link my wallet address (for ESG-GOLD tokens)",
    responses=problem_responses(409),
)
async def link_wallet(body: WalletLink, principal: CurrentUser, session: DbSession) -> UserOut:
    user = await accounts.get_user(session, principal.id)
    return UserOut.model_validate(await accounts.link_wallet(session, user, body.address))


@router.get("/{user_id}", response_model=UserOut, summary="A user (yourself, or anyone for admins)")
async def get_user(user_id: uuid.UUID, principal: CurrentUser, session: ReadSession) -> UserOut:
    if not accounts.can_read(principal, user_id):
        raise Problem(404, "No such user.", type_="user-not-found")
    return UserOut.model_validate(await accounts.get_user(session, user_id))


@router.put(
    "/{user_id}/role",
    response_model=UserOut,
    summary="Grant a role (admins only)",
    responses=problem_responses(403),
)
async def grant_role(user_id: uuid.UUID, body: RoleGrant, admin: Admin, session: DbSession) -> UserOut:
    user = await accounts.get_user(session, user_id)
    user.role = body.role
    await session.flush()
    return UserOut.model_validate(user)
