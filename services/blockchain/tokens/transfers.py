"""Transfers by a wallet's owner: from a wallet the caller owns to any custodial wallet or any
known wallet (an unknown ``0x`` wallet cannot receive: its tokens would be stranded). Runs in
one ``LedgerWriter`` transaction, so the checks see balances exactly as the writes will."""

from __future__ import annotations

import uuid

from pamtalk.errors import Problem
from services.blockchain.append import LedgerWriter
from services.blockchain.schemas import TransferIn, TransferOut
from services.blockchain.tokens import movements, wallets
from services.blockchain.tokens.rules import format_dc


def insufficient(exc: wallets.InsufficientBalance) -> Problem:
    return Problem(
        409,
        f"The wallet holds {format_dc(exc.balance_micro)} DC; {format_dc(exc.wanted_micro)} DC are needed.",
        type_="insufficient-balance",
        balance_micro=exc.balance_micro,
    )


async def transfer(
    writer: LedgerWriter, owner_id: uuid.UUID, raw_address: str, body: TransferIn
) -> TransferOut:
    tx = writer.tx
    source = await wallets.owned_wallet(tx, owner_id, raw_address)
    to_address = wallets.normalise(body.to)
    target = await wallets.find(tx, to_address) if to_address else None
    if target is None:
        raise Problem(404, "The receiving wallet is unknown.", type_="wallet-not-found")
    if target.address == source.address:
        raise Problem(
            422,
            "A transfer needs another wallet.",
            errors=[{"field": "to", "in": "body", "message": "same as the sender", "code": "same_wallet"}],
        )
    reference = f"transfer:{uuid.uuid4()}"
    try:
        entry = await movements.transfer(
            writer, source, target, body.amount_micro, reason="transfer", reference=reference
        )
    except wallets.InsufficientBalance as exc:
        raise insufficient(exc) from exc
    after = await wallets.find(tx, source.address)
    return TransferOut(
        ledger_index=entry.index,
        reference=reference,
        from_wallet=source.address,
        to_wallet=target.address,
        amount_micro=body.amount_micro,
        balance_micro=after.balance_micro if after else 0,
    )
