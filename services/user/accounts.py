"""Account rules: sign-up, credentials, profile, wallet and role changes, and who may read
an account. The SQL is in ``store/accounts.py``."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any, NamedTuple

from pamtalk.auth.jwks import Principal
from pamtalk.db.tx import Read, Tx
from pamtalk.errors import Problem
from pamtalk.events.catalogue import UserRegistered, UserUpdated
from services.user.passwords import Passwords
from services.user.schemas import ProfileUpdate, SignupIn, UserOut
from services.user.store import accounts

GRANTED_ONLY_BY_ADMIN = {"committee", "admin"}


class Credentials(NamedTuple):
    """An account found by email, with what its password is checked against."""

    user: UserOut
    password_hash: str


def account_out(row: Mapping[str, Any]) -> UserOut:
    """An account (a row of ``accounts.ACCOUNT``) as the API shows it."""
    return UserOut(
        id=row["id"],
        email=row["email"],
        display_name=row["display_name"],
        role=row["role"],
        language=row["language"],
        phone=row["phone"],
        wallet_address=row["wallet_address"],
        created_at=row["created_at"],
    )


def _not_found() -> Problem:
    return Problem(404, "No such user.", type_="user-not-found")


def _email_taken() -> Problem:
    return Problem(409, "An account with this email exists already.", type_="email-taken")


async def sign_up(tx: Tx, body: SignupIn, passwords: Passwords) -> UserOut:
    if body.role in GRANTED_ONLY_BY_ADMIN:
        raise Problem(
            403,
            "The committee and admin roles are granted by an admin, not chosen at sign-up.",
            type_="role-not-self-service",
        )
    email = body.email.lower()
    if await accounts.email_taken(tx, email):  # before the (deliberately slow) hashing
        raise _email_taken()
    row = await accounts.insert(
        tx,
        id=uuid.uuid4(),
        email=email,
        password_hash=await passwords.hash(body.password),
        display_name=body.display_name,
        role=body.role,
        language=body.language,
        phone=body.phone,
    )
    if row is None:  # a concurrent sign-up with the same email won
        raise _email_taken()
    user = account_out(row)
    await tx.add_event(
        UserRegistered(
            user_id=user.id,
            email=email,
            display_name=user.display_name,
            role=body.role,
            language=body.language,
        )
    )
    return user


async def get_user(read: Read, user_id: uuid.UUID) -> UserOut:
    row = await accounts.by_id(read, user_id)
    if row is None:
        raise _not_found()
    return account_out(row)


async def find_by_email(read: Read, email: str) -> Credentials | None:
    row = await accounts.by_email(read, email.lower())
    return None if row is None else Credentials(account_out(row), row["password_hash"])


async def update_profile(tx: Tx, user_id: uuid.UUID, body: ProfileUpdate) -> UserOut:
    """Set the fields the body has (display name stripped); publishes ``user.updated``."""
    changes: dict[str, Any] = {}
    given = body.model_fields_set
    for field, column, value in (
        ("display_name", "display_name", body.display_name),
        ("language", "language", body.language),
        ("phone", "phone", body.phone),
    ):
        if field not in given:
            continue
        if value is None and column != "phone":
            raise Problem(
                422, f"{field} cannot be null.", errors=[{"field": field, "message": "must not be null"}]
            )
        changes[column] = value.strip() if column == "display_name" and value is not None else value
    row = await accounts.update_profile(tx, user_id, changes)
    if row is None:
        raise _not_found()
    user = account_out(row)
    await tx.add_event(UserUpdated(user_id=user.id, display_name=user.display_name, language=user.language))
    return user


async def change_password(tx: Tx, user_id: uuid.UUID, current: str, new: str, passwords: Passwords) -> None:
    stored = await accounts.password_hash(tx, user_id)
    if stored is None:
        raise _not_found()
    if not await passwords.verify(stored, current):
        raise Problem(403, "The current password is wrong.", type_="invalid-credentials")
    await accounts.set_password(tx, user_id, await passwords.hash(new))


async def link_wallet(tx: Tx, user_id: uuid.UUID, address: str) -> UserOut:
    try:
        row = await accounts.set_wallet(tx, user_id, address)
    except accounts.WalletTaken as exc:
        raise Problem(409, "This wallet is linked to another account.", type_="wallet-taken") from exc
    if row is None:
        raise _not_found()
    return account_out(row)


async def grant_role(tx: Tx, user_id: uuid.UUID, role: str) -> UserOut:
    row = await accounts.set_role(tx, user_id, role)
    if row is None:
        raise _not_found()
    return account_out(row)


def can_read(principal: Principal, user_id: uuid.UUID) -> bool:
    return principal.id == user_id or principal.is_admin
