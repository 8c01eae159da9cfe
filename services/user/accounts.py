"""Account rules: sign-up, credentials, profile, wallet and role changes."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from pamtalk.auth.jwks import Principal
from pamtalk.db.outbox import add_event
from pamtalk.errors import Problem
from pamtalk.events.catalogue import UserRegistered, UserUpdated
from services.user.models import User, outbox
from services.user.passwords import Passwords
from services.user.schemas import ProfileUpdate, SignupIn

GRANTED_ONLY_BY_ADMIN = {"committee", "admin"}


async def sign_up(session: AsyncSession, body: SignupIn, passwords: Passwords) -> User:
    if body.role in GRANTED_ONLY_BY_ADMIN:
        raise Problem(
            403,
            "The committee and admin roles are granted by an admin, not chosen at sign-up.",
            type_="role-not-self-service",
        )
    email = body.email.lower()
    if await session.scalar(select(User.id).where(User.email == email)):
        raise _email_taken()
    user = User(
        id=uuid.uuid4(),
        email=email,
        password_hash=await passwords.hash(body.password),
        display_name=body.display_name,
        role=body.role,
        language=body.language,
        phone=body.phone,
    )
    session.add(user)
    try:
        await session.flush()
    except IntegrityError as exc:  # a concurrent sign-up with the same email won
        raise _email_taken() from exc
    await add_event(
        session,
        outbox,
        UserRegistered(
            user_id=user.id,
            email=email,
            display_name=user.display_name,
            role=body.role,
            language=body.language,
        ),
        "user",
    )
    await session.refresh(user)
    return user


def _email_taken() -> Problem:
    return Problem(409, "An account with this email exists already.", type_="email-taken")


async def get_user(session: AsyncSession, user_id: uuid.UUID) -> User:
    user = await session.get(User, user_id)
    if user is None:
        raise Problem(404, "No such user.", type_="user-not-found")
    return user


async def find_by_email(session: AsyncSession, email: str) -> User | None:
    return await session.scalar(select(User).where(User.email == email.lower()))


async def update_profile(session: AsyncSession, user: User, body: ProfileUpdate) -> User:
    for field, value in body.model_dump(exclude_unset=True).items():
        if field in ("display_name", "language") and value is None:
            raise Problem(
                422, f"{field} cannot be null.", errors=[{"field": field, "message": "must not be null"}]
            )
        setattr(user, field, value.strip() if isinstance(value, str) and field == "display_name" else value)
    await session.flush()
    await add_event(
        session,
        outbox,
        UserUpdated(user_id=user.id, display_name=user.display_name, language=user.language),
        "user",
    )
    return user


async def link_wallet(session: AsyncSession, user: User, address: str) -> User:
    owner = await session.scalar(select(User.id).where(User.wallet_address == address))
    if owner is not None and owner != user.id:
        raise Problem(409, "This wallet is linked to another account.", type_="wallet-taken")
    user.wallet_address = address
    await session.flush()
    return user


def can_read(principal: Principal, user_id: uuid.UUID) -> bool:
    return principal.id == user_id or principal.is_admin
