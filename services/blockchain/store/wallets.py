"""The wallets' SQL: balances (``wallets``, never negative: a CHECK refuses it too) and their
history (``token_movements``, one row per wallet a ledger entry touched). Amounts are integers
of micro-DC in ``NUMERIC(38, 0)``: they are read back as ``Decimal`` and given out as ``int``."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from asyncpg import Record

from pamtalk.db.statements import sql
from pamtalk.db.tx import Read, Tx
from services.blockchain.ledger.entry import LedgerEntry
from services.blockchain.store.ledger import NO_CURSOR

_COLUMNS = "address, owner_id, balance_micro"
_FIND = sql(f"SELECT {_COLUMNS} FROM wallets WHERE address = :address")
_OWNED_BY = sql(f"SELECT {_COLUMNS} FROM wallets WHERE owner_id = :owner_id ORDER BY address")
_ENSURE = sql(
    "INSERT INTO wallets (address, owner_id, balance_micro) VALUES (:address, :owner_id, 0) "
    "ON CONFLICT (address) DO NOTHING"
)
_CREDIT = sql(
    "INSERT INTO wallets AS wallet (address, owner_id, balance_micro) VALUES (:address, :owner_id, :amount) "
    "ON CONFLICT (address) DO UPDATE SET balance_micro = wallet.balance_micro + excluded.balance_micro "
    "RETURNING balance_micro"
)
_DEBIT = sql(
    "UPDATE wallets SET balance_micro = balance_micro - :amount "
    "WHERE address = :address AND balance_micro >= :amount RETURNING balance_micro"
)
_RECORD_MOVEMENTS = sql(
    "INSERT INTO token_movements (wallet, kind, delta_micro, balance_after_micro, counterparty, "
    "ledger_index, reason, reference) "
    "SELECT wallet, kind, delta, after, counterparty, :ledger_index, :reason, :reference "
    "FROM unnest(CAST(:wallets AS text[]), CAST(:kinds AS text[]), CAST(:deltas AS numeric[]), "
    "CAST(:afters AS numeric[]), CAST(:counterparties AS text[])) "
    "WITH ORDINALITY AS row (wallet, kind, delta, after, counterparty, n) ORDER BY n"
)
_MOVEMENT_COLUMNS = (
    "id, wallet, ledger_index, kind, delta_micro, balance_after_micro, counterparty, reason, reference, "
    "created_at"
)
# One wallet's history walks the (wallet, id) index backwards; several wallets' is merged.
_HISTORY_OF_WALLET = sql(
    f"SELECT {_MOVEMENT_COLUMNS} FROM token_movements WHERE wallet = :wallet AND id < :before "
    "ORDER BY id DESC LIMIT :limit"
)
_HISTORY_OF_WALLETS = sql(
    f"SELECT {_MOVEMENT_COLUMNS} FROM token_movements WHERE wallet = ANY(CAST(:wallets AS text[])) "
    "AND id < :before ORDER BY id DESC LIMIT :limit"
)
_SUPPLY = sql(
    "SELECT (SELECT coalesce(sum(delta_micro), 0) FROM token_movements WHERE kind = 'minted') AS minted, "
    "(SELECT coalesce(sum(delta_micro), 0) FROM token_movements WHERE kind = 'burned') AS burned, "
    "(SELECT coalesce(sum(balance_micro), 0) FROM wallets) AS circulating"
)

Movement = tuple[str, str, int, int, str | None]  # wallet, kind, signed delta, balance after, counterparty


async def find(read: Read, address: str) -> Record | None:
    """``address``, ``owner_id`` and ``balance_micro`` of a stored wallet."""
    return await read.fetchrow(_FIND, address=address)


async def owned_by(read: Read, owner_id: uuid.UUID) -> list[Record]:
    return await read.fetch(_OWNED_BY, owner_id=owner_id)


async def ensure(tx: Tx, address: str, owner_id: uuid.UUID | None) -> None:
    """Create the wallet (empty, owned by ``owner_id``) unless it exists."""
    await tx.execute(_ENSURE, address=address, owner_id=owner_id)


async def credit(tx: Tx, address: str, owner_id: uuid.UUID | None, amount: int) -> int:
    """Add ``amount`` (creating the wallet, owned by ``owner_id``, if new; an existing
    wallet keeps its owner); returns the new balance."""
    return int(await tx.fetchval(_CREDIT, address=address, owner_id=owner_id, amount=amount))


async def debit(tx: Tx, address: str, amount: int) -> int | None:
    """Take ``amount`` if the wallet holds it; returns the new balance, or ``None`` (and
    changes nothing) when it does not."""
    balance = await tx.fetchval(_DEBIT, address=address, amount=amount)
    return None if balance is None else int(balance)


async def record_movements(tx: Tx, entry: LedgerEntry, reason: str, movements: Sequence[Movement]) -> None:
    """One history row per wallet ``entry`` touched, in the order given."""
    wallets, kinds, deltas, afters, counterparties = (list(column) for column in zip(*movements, strict=True))
    await tx.execute(
        _RECORD_MOVEMENTS,
        wallets=wallets,
        kinds=kinds,
        deltas=deltas,
        afters=afters,
        counterparties=counterparties,
        ledger_index=entry.index,
        reason=reason,
        reference=entry.reference,
    )


async def history(read: Read, wallets: Sequence[str], before: int | None, limit: int) -> list[Record]:
    """Movements of ``wallets`` with ids below ``before`` (``None``: all), newest first."""
    since = NO_CURSOR if before is None else before
    if len(wallets) == 1:
        return await read.fetch(_HISTORY_OF_WALLET, wallet=wallets[0], before=since, limit=limit)
    return await read.fetch(_HISTORY_OF_WALLETS, wallets=list(wallets), before=since, limit=limit)


async def supply(read: Read) -> tuple[int, int, int]:
    """ESG-GOLD minted, burned (as a positive amount) and in circulation (sum of balances)."""
    row = await read.fetchrow(_SUPPLY)
    assert row is not None  # an aggregate always has its row
    return int(row["minted"]), -int(row["burned"]), int(row["circulating"])
