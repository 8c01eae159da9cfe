"""Tables of the blockchain service (schema ``blockchain_svc``).

The ledger: ``ledger_entries`` (the canonical bytes of each entry, byte for byte what is
hashed), ``merkle_nodes`` (every complete perfect subtree, see ``ledger/tree.py``),
``tree_heads`` (every signed head) and ``anchors`` (roots written to a chain). ESG-GOLD:
``wallets`` (balances, never negative), ``token_movements`` (one row per wallet touched by a
ledger entry: the wallet history), ``redemptions`` (for the daily cap) and
``esg_assessments`` (recorded assessments and their approved rewards). The outbox, the inbox
and ``idempotency_keys`` have the kit's shape. Amounts are integers of micro-DC stored as
``NUMERIC(38, 0)``: exact, and no overflow however large a trade.

These definitions feed Alembic only; the service's statements are in ``store/``.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    Dialect,
    Index,
    LargeBinary,
    Numeric,
    SmallInteger,
    String,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from pamtalk.db import schema_metadata
from pamtalk.db.inbox import inbox_table
from pamtalk.db.outbox import outbox_table
from pamtalk.idempotency import idempotency_table

SCHEMA = "blockchain_svc"


class Base(DeclarativeBase):
    metadata = schema_metadata(SCHEMA)


outbox = outbox_table(Base.metadata)
inbox = inbox_table(Base.metadata)
idempotency_keys = idempotency_table(Base.metadata)  # Idempotency-Key of token writes (the kit's)


class Micro(TypeDecorator[int]):
    """An integer amount (micro-DC, won) as ``NUMERIC(38, 0)``, read back as ``int``."""

    impl = Numeric(38, 0)
    cache_ok = True

    def process_bind_param(self, value: int | None, dialect: Dialect) -> Decimal | None:
        return None if value is None else Decimal(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> int | None:
        return None if value is None else int(value)


def _created() -> Mapped[datetime]:
    return mapped_column(DateTime(timezone=True), server_default=func.now())


class LedgerEntryRow(Base):
    __tablename__ = "ledger_entries"
    __table_args__ = (Index("ix_ledger_entries_kind_index", "kind", "index"),)

    index: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(32))
    reference: Mapped[str] = mapped_column(String(200), unique=True)
    timestamp_ms: Mapped[int] = mapped_column(BigInteger)
    data: Mapped[bytes] = mapped_column(LargeBinary)  # canonical JSON v1, the leaf data
    leaf_hash: Mapped[bytes] = mapped_column(LargeBinary)


class MerkleNode(Base):
    __tablename__ = "merkle_nodes"

    level: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    position: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    hash: Mapped[bytes] = mapped_column(LargeBinary)


class TreeHeadRow(Base):
    __tablename__ = "tree_heads"

    tree_size: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    timestamp_ms: Mapped[int] = mapped_column(BigInteger)
    root_hash: Mapped[bytes] = mapped_column(LargeBinary)
    signature: Mapped[bytes] = mapped_column(LargeBinary)
    key_id: Mapped[str] = mapped_column(String(64))


class AnchorRow(Base):
    __tablename__ = "anchors"
    __table_args__ = (UniqueConstraint("chain_id", "contract_address", "tree_size"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    tree_size: Mapped[int] = mapped_column(BigInteger)
    root_hash: Mapped[bytes] = mapped_column(LargeBinary)
    chain_id: Mapped[int] = mapped_column(BigInteger)
    contract_address: Mapped[str] = mapped_column(String(42), index=True)  # lower-case 0x hex
    tx_hash: Mapped[bytes] = mapped_column(LargeBinary)
    block_number: Mapped[int] = mapped_column(BigInteger)
    anchored_at: Mapped[datetime] = _created()


class Wallet(Base):
    __tablename__ = "wallets"
    __table_args__ = (CheckConstraint("balance_micro >= 0", name="balance_not_negative"),)

    address: Mapped[str] = mapped_column(String(80), primary_key=True)
    owner_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    balance_micro: Mapped[int] = mapped_column(Micro, default=0)
    created_at: Mapped[datetime] = _created()


class TokenMovementRow(Base):
    __tablename__ = "token_movements"
    __table_args__ = (Index("ix_token_movements_wallet_id", "wallet", "id"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    wallet: Mapped[str] = mapped_column(String(80))
    ledger_index: Mapped[int] = mapped_column(BigInteger, index=True)
    kind: Mapped[str] = mapped_column(String(20))  # minted, sent, received, burned
    delta_micro: Mapped[int] = mapped_column(Micro)  # signed
    balance_after_micro: Mapped[int] = mapped_column(Micro)
    counterparty: Mapped[str | None] = mapped_column(String(80))
    reason: Mapped[str] = mapped_column(String(40))
    reference: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = _created()


class Redemption(Base):
    __tablename__ = "redemptions"
    __table_args__ = (Index("ix_redemptions_owner_id_kst_day", "owner_id", "kst_day"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    wallet: Mapped[str] = mapped_column(String(80))
    owner_id: Mapped[uuid.UUID]
    kst_day: Mapped[date] = mapped_column(Date)
    amount_micro: Mapped[int] = mapped_column(Micro)
    burned_micro: Mapped[int] = mapped_column(Micro)
    credited_micro: Mapped[int] = mapped_column(Micro)
    purchase_krw: Mapped[int] = mapped_column(Micro)
    discount_krw: Mapped[int] = mapped_column(Micro)
    burn_index: Mapped[int] = mapped_column(BigInteger)
    credit_index: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = _created()


class EsgAssessmentRow(Base):
    __tablename__ = "esg_assessments"

    assessment_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    farm_id: Mapped[uuid.UUID]
    owner_id: Mapped[uuid.UUID] = mapped_column(index=True)
    grade: Mapped[str] = mapped_column(String(20))
    token_estimate_dc: Mapped[int] = mapped_column(Micro)
    ledger_index: Mapped[int] = mapped_column(BigInteger)
    approved_by: Mapped[uuid.UUID | None]
    approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reward_index: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = _created()
