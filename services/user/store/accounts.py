"""Accounts: a user's profile, credentials (the password hash) and role, in ``users``.

An account is read as ``ACCOUNT``'s columns; ``by_email`` adds the password hash for a login.
Changes are single statements returning the account as it now is. ``updated_at`` follows
every change: these statements set it (the table's default covers only the insert)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from functools import cache
from typing import Any

import asyncpg
from asyncpg import Record

from pamtalk.db.statements import Sql, sql
from pamtalk.db.tx import Read, Tx

ACCOUNT = "id, email, display_name, role, language, phone, wallet_address, created_at"
# What a profile change may set (the keys ``update_profile`` takes).
PROFILE = frozenset({"display_name", "language", "phone"})

# A second account with the email inserts nothing (the caller says "taken"); the email is
# stored lower-cased by the caller.
_INSERT = sql(
    "INSERT INTO users (id, email, password_hash, display_name, role, language, phone) "
    "VALUES (:id, :email, :password_hash, :display_name, :role, :language, :phone) "
    f"ON CONFLICT (email) DO NOTHING RETURNING {ACCOUNT}"
)
_BY_ID = sql(f"SELECT {ACCOUNT} FROM users WHERE id = :id")
_BY_EMAIL = sql(f"SELECT {ACCOUNT}, password_hash FROM users WHERE email = :email")
_EMAIL_TAKEN = sql("SELECT 1 FROM users WHERE email = :email")
_PASSWORD_HASH = sql("SELECT password_hash FROM users WHERE id = :id")
_SET_PASSWORD = sql("UPDATE users SET password_hash = :password_hash, updated_at = now() WHERE id = :id")
_SET_WALLET = sql(
    f"UPDATE users SET wallet_address = :address, updated_at = now() WHERE id = :id RETURNING {ACCOUNT}"
)
_SET_ROLE = sql(f"UPDATE users SET role = :role, updated_at = now() WHERE id = :id RETURNING {ACCOUNT}")
_SET_ROLE_BY_EMAIL = sql("UPDATE users SET role = :role, updated_at = now() WHERE email = :email")


class WalletTaken(Exception):
    """The wallet address is linked to another account."""


async def insert(
    tx: Tx,
    *,
    id: uuid.UUID,
    email: str,
    password_hash: str,
    display_name: str,
    role: str,
    language: str,
    phone: str | None,
) -> Record | None:
    """The new account, or None when the email is taken."""
    return await tx.fetchrow(
        _INSERT,
        id=id,
        email=email,
        password_hash=password_hash,
        display_name=display_name,
        role=role,
        language=language,
        phone=phone,
    )


async def email_taken(read: Read, email: str) -> bool:
    return await read.fetchval(_EMAIL_TAKEN, email=email) is not None


async def by_id(read: Read, user_id: uuid.UUID) -> Record | None:
    return await read.fetchrow(_BY_ID, id=user_id)


async def by_email(read: Read, email: str) -> Record | None:
    """The account and its ``password_hash``."""
    return await read.fetchrow(_BY_EMAIL, email=email)


async def password_hash(read: Read, user_id: uuid.UUID) -> str | None:
    found: str | None = await read.fetchval(_PASSWORD_HASH, id=user_id)
    return found


async def set_password(tx: Tx, user_id: uuid.UUID, password_hash: str) -> None:
    await tx.execute(_SET_PASSWORD, id=user_id, password_hash=password_hash)


@cache
def _update_profile(columns: frozenset[str]) -> Sql:
    """The update of these profile columns (one statement per set of columns, built once)."""
    assignments = "".join(f"{column} = :{column}, " for column in sorted(columns))
    return sql(f"UPDATE users SET {assignments}updated_at = now() WHERE id = :id RETURNING {ACCOUNT}")


async def update_profile(tx: Tx, user_id: uuid.UUID, changes: Mapping[str, Any]) -> Record | None:
    """Set the ``changes`` (columns of ``PROFILE``); the account, or None if there is none."""
    unknown = changes.keys() - PROFILE
    if unknown:
        raise ValueError(f"not profile columns: {sorted(unknown)}")
    if not changes:
        return await by_id(tx, user_id)
    return await tx.fetchrow(_update_profile(frozenset(changes)), id=user_id, **changes)


async def set_wallet(tx: Tx, user_id: uuid.UUID, address: str) -> Record | None:
    """Link the wallet; the account, or None if there is none. ``WalletTaken`` if another
    account has it (the transaction is then failed: raise out of it)."""
    try:
        return await tx.fetchrow(_SET_WALLET, id=user_id, address=address)
    except asyncpg.UniqueViolationError as exc:
        raise WalletTaken(address) from exc


async def set_role(tx: Tx, user_id: uuid.UUID, role: str) -> Record | None:
    return await tx.fetchrow(_SET_ROLE, id=user_id, role=role)


async def set_role_by_email(tx: Tx, email: str, role: str) -> bool:
    """Whether an account has the (lower-cased) email."""
    status = await tx.execute(_SET_ROLE_BY_EMAIL, email=email, role=role)
    return status != "UPDATE 0"
