"""ESG-GOLD wallets: addresses, owners and balances (the ledger entries are written by
``tokens/movements.py``; this module keeps the balance table right, through ``store/wallets.py``).

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

from pamtalk.db.tx import Read, Tx
from pamtalk.errors import Problem
from services.blockchain.store import wallets as store

TREASURY = "treasury:pamtalk"
_EXTERNAL = re.compile(r"0x[0-9a-f]{40}")
_CUSTODIAL = re.compile(r"user:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})")


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


async def find(read: Read, address: str) -> WalletView | None:
    """A stored wallet, or the implicit empty custodial wallet of a user; else ``None``."""
    row = await store.find(read, address)
    if row is not None:
        return WalletView(row["address"], row["owner_id"], int(row["balance_micro"]), True)
    owner = custodial_owner(address)
    if owner is not None or address == TREASURY:
        return WalletView(address, owner, 0, False)
    return None


async def owned_by(read: Read, owner_id: uuid.UUID) -> list[WalletView]:
    """The caller's wallets: the custodial one (always) and those they own."""
    rows = await store.owned_by(read, owner_id)
    views = [WalletView(r["address"], r["owner_id"], int(r["balance_micro"]), True) for r in rows]
    if not any(v.address == custodial(owner_id) for v in views):
        views.insert(0, WalletView(custodial(owner_id), owner_id, 0, False))
    return views


async def owned_wallet(read: Read, owner_id: uuid.UUID, raw_address: str) -> WalletView:
    """The wallet at ``raw_address`` if ``owner_id`` owns it: 404 if there is none, 403 if not theirs."""
    address = normalise(raw_address)
    view = await find(read, address) if address else None
    if view is None:
        raise Problem(404, "No such wallet.", type_="wallet-not-found")
    if view.owner_id != owner_id:
        raise Problem(403, "Only the owner of a wallet can move its tokens.", type_="not-wallet-owner")
    return view


async def ensure(tx: Tx, address: str, owner_id: uuid.UUID | None) -> WalletView:
    """The wallet, created (empty, owned by ``owner_id``) if it is new. An existing wallet
    keeps its owner; the caller decides what a different owner means."""
    await store.ensure(tx, address, owner_id)
    view = await find(tx, address)
    assert view is not None and view.exists
    return view


async def credit(tx: Tx, address: str, owner_id: uuid.UUID | None, amount: int) -> int:
    """Add ``amount`` (creating the wallet, owned by ``owner_id``, if new; an existing
    wallet keeps its owner); returns the new balance."""
    return await store.credit(tx, address, owner_id, amount)


async def debit(tx: Tx, address: str, amount: int) -> int:
    """Take ``amount``; raises ``InsufficientBalance`` (changing nothing) if it is not there."""
    balance = await store.debit(tx, address, amount)
    if balance is None:
        view = await find(tx, address)
        raise InsufficientBalance(address, view.balance_micro if view else 0, amount)
    return balance
