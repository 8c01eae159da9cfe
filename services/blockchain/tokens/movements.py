"""ESG-GOLD movements: each mint, transfer and burn is one ledger entry, the balance change,
the wallet-history rows and the event announcing it, all in the writer's transaction.

Balances never go negative (a debit that does not fit raises ``InsufficientBalance``
before anything of the movement is written), and the sum of all balances always equals
everything minted minus everything burned: a mint credits exactly its amount, a burn
debits exactly its amount, and a transfer moves an amount from one wallet to another.
"""

from __future__ import annotations

import uuid
from typing import Any

from pamtalk.events.catalogue import TokenBurned, TokenMinted, TokenTransferred
from services.blockchain.append import LedgerWriter
from services.blockchain.ledger.entry import EntryKind, LedgerEntry
from services.blockchain.store.wallets import record_movements
from services.blockchain.tokens import wallets


def _check_amount(amount_micro: int) -> None:
    if isinstance(amount_micro, bool) or not isinstance(amount_micro, int) or amount_micro <= 0:
        raise ValueError("a movement is a positive integer amount of micro-DC")


def _facts(entry: LedgerEntry, amount_micro: int, reason: str) -> dict[str, Any]:
    """What every token event says of its movement."""
    return {
        "amount_micro": amount_micro,
        "reason": reason,
        "reference": entry.reference,
        "ledger_index": entry.index,
    }


async def mint(
    writer: LedgerWriter,
    wallet: str,
    owner_id: uuid.UUID | None,
    amount_micro: int,
    *,
    reason: str,
    reference: str,
    details: dict[str, Any] | None = None,
) -> LedgerEntry:
    _check_amount(amount_micro)
    payload = {**(details or {}), "wallet": wallet, "amount_micro": amount_micro, "reason": reason}
    entry = await writer.append(EntryKind.TOKEN_MINTED, reference, payload)
    balance = await wallets.credit(writer.tx, wallet, owner_id, amount_micro)
    await record_movements(writer.tx, entry, reason, [(wallet, "minted", amount_micro, balance, None)])
    await writer.tx.add_event(
        TokenMinted(wallet=wallet, owner_id=owner_id, **_facts(entry, amount_micro, reason))
    )
    return entry


async def transfer(
    writer: LedgerWriter,
    source: wallets.WalletView,
    target: wallets.WalletView,
    amount_micro: int,
    *,
    reason: str,
    reference: str,
) -> LedgerEntry:
    """Move ``amount_micro`` from ``source`` to ``target`` (both already authorised)."""
    _check_amount(amount_micro)
    if source.address == target.address:
        raise ValueError("a transfer needs two different wallets")
    source_after = await wallets.debit(writer.tx, source.address, amount_micro)
    payload = {"from": source.address, "to": target.address, "amount_micro": amount_micro, "reason": reason}
    entry = await writer.append(EntryKind.TOKEN_TRANSFERRED, reference, payload)
    target_after = await wallets.credit(writer.tx, target.address, target.owner_id, amount_micro)
    await record_movements(
        writer.tx,
        entry,
        reason,
        [
            (source.address, "sent", -amount_micro, source_after, target.address),
            (target.address, "received", amount_micro, target_after, source.address),
        ],
    )
    event = TokenTransferred(
        wallet=source.address,
        owner_id=source.owner_id,
        to_wallet=target.address,
        to_owner_id=target.owner_id,
        **_facts(entry, amount_micro, reason),
    )
    await writer.tx.add_event(event)
    return entry


async def burn(
    writer: LedgerWriter,
    source: wallets.WalletView,
    amount_micro: int,
    *,
    reason: str,
    reference: str,
) -> LedgerEntry:
    _check_amount(amount_micro)
    after = await wallets.debit(writer.tx, source.address, amount_micro)
    payload = {"wallet": source.address, "amount_micro": amount_micro, "reason": reason}
    entry = await writer.append(EntryKind.TOKEN_BURNED, reference, payload)
    await record_movements(writer.tx, entry, reason, [(source.address, "burned", -amount_micro, after, None)])
    event = TokenBurned(
        wallet=source.address, owner_id=source.owner_id, **_facts(entry, amount_micro, reason)
    )
    await writer.tx.add_event(event)
    return entry
