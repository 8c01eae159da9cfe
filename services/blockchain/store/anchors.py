"""The anchors' SQL: roots of the ledger written to a chain, kept per chain and contract
(append-only, like the ledger). Only one replica anchors at a time (``try_lock``)."""

from __future__ import annotations

from datetime import datetime

from asyncpg import Record

from pamtalk.db.statements import sql
from pamtalk.db.tx import Read, Tx
from services.blockchain.ledger.anchor import Anchor
from services.blockchain.store.ledger import NO_CURSOR

ANCHOR_LOCK = 0x50414D54_414E4348  # "PAMTANCH": one anchoring replica at a time

_COLUMNS = "tree_size, root_hash, chain_id, contract_address, tx_hash, block_number"
_TRY_LOCK = sql("SELECT pg_try_advisory_xact_lock(:key)")
_INSERT = sql(
    f"INSERT INTO anchors ({_COLUMNS}, anchored_at) VALUES (:tree_size, :root_hash, :chain_id, "
    ":contract_address, :tx_hash, :block_number, :anchored_at) ON CONFLICT DO NOTHING"
)
_PAGE = sql(
    f"SELECT id, {_COLUMNS}, anchored_at FROM anchors WHERE id < :before ORDER BY id DESC LIMIT :limit"
)
_LAST_ON = sql(
    "SELECT tree_size, anchored_at FROM anchors WHERE contract_address = :contract "
    "ORDER BY tree_size DESC LIMIT 1"
)
_FIRST_COVERING = sql(
    f"SELECT {_COLUMNS} FROM anchors WHERE contract_address = :contract AND tree_size > :index "
    "ORDER BY tree_size LIMIT 1"
)
_LATEST_ON = sql(
    f"SELECT {_COLUMNS} FROM anchors WHERE contract_address = :contract ORDER BY tree_size DESC LIMIT 1"
)
_ELSEWHERE = sql("SELECT count(*) FROM anchors WHERE contract_address <> :contract")
_ANCHORED_SIZE = sql("SELECT max(tree_size) FROM anchors WHERE contract_address = :contract")


def anchor_of(row: Record) -> Anchor:
    return Anchor(
        row["tree_size"],
        bytes(row["root_hash"]),
        row["chain_id"],
        row["contract_address"],
        bytes(row["tx_hash"]),
        row["block_number"],
    )


async def try_lock(tx: Tx) -> bool:
    """The anchoring lock for the rest of ``tx``, unless another replica holds it."""
    locked: bool = await tx.fetchval(_TRY_LOCK, key=ANCHOR_LOCK)
    return locked


async def insert(tx: Tx, anchor: Anchor, anchored_at: datetime) -> None:
    """Store an anchor (once: the same anchor again changes nothing)."""
    await tx.execute(
        _INSERT,
        tree_size=anchor.tree_size,
        root_hash=anchor.root_hash,
        chain_id=anchor.chain_id,
        contract_address=anchor.contract_address,
        tx_hash=anchor.tx_hash,
        block_number=anchor.block_number,
        anchored_at=anchored_at,
    )


async def page(read: Read, before: int | None, limit: int) -> list[Record]:
    """Anchors stored before id ``before`` (``None``: all), newest first."""
    return await read.fetch(_PAGE, before=NO_CURSOR if before is None else before, limit=limit)


async def last_on(read: Read, contract: str) -> Record | None:
    """``tree_size`` and ``anchored_at`` of the largest anchor on ``contract`` (lower-case)."""
    return await read.fetchrow(_LAST_ON, contract=contract)


async def for_entry(read: Read, index: int, contract: str) -> Anchor | None:
    """The anchor to prove entry ``index`` against: the first on ``contract`` that covers the
    entry, else the latest one there (it then predates the entry), else ``None``."""
    row = await read.fetchrow(_FIRST_COVERING, contract=contract, index=index)
    if row is None:
        row = await read.fetchrow(_LATEST_ON, contract=contract)
    return None if row is None else anchor_of(row)


async def anchored_size(read: Read, contract: str) -> int:
    """The largest tree size anchored on ``contract`` (0: none)."""
    return int(await read.fetchval(_ANCHORED_SIZE, contract=contract) or 0)


async def count_elsewhere(read: Read, contract: str) -> int:
    """How many stored anchors were written to contracts other than ``contract``."""
    return int(await read.fetchval(_ELSEWHERE, contract=contract))
