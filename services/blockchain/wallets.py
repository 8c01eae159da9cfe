"""ESG-GOLD wallets: addresses, owners and balances (the ledger entries are written by
``token_ops``; this module only keeps the balance table right).

Addresses:

* ``0x`` + 40 hex digits (stored lower-case): an external wallet, such as the one a farm
  gives in its profile. Its owner is the producer whose trade reward first went to it.
* ``user:<uuid>``: the custodial wallet PAM-TALK keeps for every user, owned by that user.
  Rewards go here when a trade names no wallet, or a wallet that belongs to someone else.
* ``treasury:pamtalk``: the platform's wallet, owned by nobody; the DC a buyer redeems as a
  discount are credited here (less the 10 % burned).

The owner of a wallet is the only user who can transfer or redeem from it. Every change of a
balance happens under the ledger lock, and the table refuses a negative balance as well.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from services.blockchain.models import Wallet

TREASURY = "treasury:pamtalk"
_EXTERNAL = re.compile(r"0x[0-9a-f]{40}")
_CUSTODIAL = re.compile(r"user:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})")
ADDRESS_PATTERN = r"^(0[xX][0-9a-fA-F]{40}|user:[0-9a-fA-F-]{36}|treasury:pamtalk)$"


class InsufficientBalance(Exception):
    def __init__(self, address: str, balance_micro: int, wanted_micro: int) -> None:
        super().__init__(f"wallet {address} holds {balance_micro} micro-DC, {wanted_micro} needed")
        self.address, self.balance_micro, self.wanted_micro = address, balance_micro, wanted_micro


def normalise(address: str) -> str | None:
    """The canonical spelling of an address, or ``None`` if it is not one."""
    lowered = address.strip().lower()
    if lowered == TREASURY or _EXTERNAL.fullmatch(lowered):
        return lowered
    match = _CUSTODIAL.fullmatch(lowered)
    return f"user:{uuid.UUID(match.group(1))}" if match else None


def custodial(user_id: uuid.UUID) -> str:
    return f"user:{user_id}"


def custodial_owner(address: str) -> uuid.UUID | None:
    match = _CUSTODIAL.fullmatch(address)
    return uuid.UUID(match.group(1)) if match else None


def kind_of(address: str) -> str:
    if address == TREASURY:
        return "treasury"
    return "custodial" if address.startswith("user:") else "external"


@dataclass(frozen=True)
class WalletView:
    address: str
    owner_id: uuid.UUID | None
    balance_micro: int
    exists: bool

    @property
    def kind(self) -> str:
        return kind_of(self.address)


async def find(session: AsyncSession, address: str) -> WalletView | None:
    """A stored wallet, or the implicit empty custodial wallet of a user; else ``None``."""
    query = select(Wallet.address, Wallet.owner_id, Wallet.balance_micro).where(Wallet.address == address)
    row = (await session.execute(query)).first()
    if row is not None:
        return WalletView(row.address, row.owner_id, row.balance_micro, True)
    owner = custodial_owner(address)
    if owner is not None or address == TREASURY:
        return WalletView(address, owner, 0, False)
    return None


async def owned_by(session: AsyncSession, owner_id: uuid.UUID) -> list[WalletView]:
    """The caller's wallets: the custodial one (always) and those they own."""
    query = (
        select(Wallet.address, Wallet.owner_id, Wallet.balance_micro)
        .where(Wallet.owner_id == owner_id)
        .order_by(Wallet.address)
    )
    rows = (await session.execute(query)).all()
    views = [WalletView(r.address, r.owner_id, r.balance_micro, True) for r in rows]
    if not any(v.address == custodial(owner_id) for v in views):
        views.insert(0, WalletView(custodial(owner_id), owner_id, 0, False))
    return views


async def ensure(session: AsyncSession, address: str, owner_id: uuid.UUID | None) -> WalletView:
    """The wallet, created (empty, owned by ``owner_id``) if it is new. An existing wallet
    keeps its owner; the caller decides what a different owner means."""
    await session.execute(
        insert(Wallet)
        .values(address=address, owner_id=owner_id, balance_micro=0)
        .on_conflict_do_nothing(index_elements=[Wallet.address])
    )
    view = await find(session, address)
    assert view is not None and view.exists
    return view


async def credit(session: AsyncSession, address: str, owner_id: uuid.UUID | None, amount: int) -> int:
    """Add ``amount`` (creating the wallet if new); returns the new balance."""
    await ensure(session, address, owner_id)
    result = await session.execute(
        update(Wallet)
        .where(Wallet.address == address)
        .values(balance_micro=Wallet.balance_micro + amount)
        .returning(Wallet.balance_micro)
    )
    return int(result.scalar_one())


async def debit(session: AsyncSession, address: str, amount: int) -> int:
    """Take ``amount``; raises ``InsufficientBalance`` (changing nothing) if it is not there."""
    result = await session.execute(
        update(Wallet)
        .where(Wallet.address == address, Wallet.balance_micro >= amount)
        .values(balance_micro=Wallet.balance_micro - amount)
        .returning(Wallet.balance_micro)
    )
    balance = result.scalar_one_or_none()
    if balance is None:
        view = await find(session, address)
        raise InsufficientBalance(address, view.balance_micro if view else 0, amount)
    return int(balance)
