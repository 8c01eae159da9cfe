"""The redemptions' SQL: each redemption of DC as a discount, kept for the daily cap (summed per
owner and Korean calendar day under the ledger lock)."""

from __future__ import annotations

import datetime as dt
import uuid

from pamtalk.db.statements import sql
from pamtalk.db.tx import Read, Tx

_REDEEMED_ON = sql(
    "SELECT coalesce(sum(amount_micro), 0) FROM redemptions WHERE owner_id = :owner_id AND kst_day = :day"
)
_INSERT = sql(
    "INSERT INTO redemptions (id, wallet, owner_id, kst_day, amount_micro, burned_micro, credited_micro, "
    "purchase_krw, discount_krw, burn_index, credit_index) VALUES (:id, :wallet, :owner_id, :kst_day, "
    ":amount_micro, :burned_micro, :credited_micro, :purchase_krw, :discount_krw, :burn_index, :credit_index)"
)


async def redeemed_on(read: Read, owner_id: uuid.UUID, day: dt.date) -> int:
    """Micro-DC ``owner_id`` redeemed on the KST day ``day``."""
    return int(await read.fetchval(_REDEEMED_ON, owner_id=owner_id, day=day))


async def insert(
    tx: Tx,
    *,
    id: uuid.UUID,
    wallet: str,
    owner_id: uuid.UUID,
    kst_day: dt.date,
    amount_micro: int,
    burned_micro: int,
    credited_micro: int,
    purchase_krw: int,
    discount_krw: int,
    burn_index: int,
    credit_index: int,
) -> None:
    await tx.execute(
        _INSERT,
        id=id,
        wallet=wallet,
        owner_id=owner_id,
        kst_day=kst_day,
        amount_micro=amount_micro,
        burned_micro=burned_micro,
        credited_micro=credited_micro,
        purchase_krw=purchase_krw,
        discount_krw=discount_krw,
        burn_index=burn_index,
        credit_index=credit_index,
    )
