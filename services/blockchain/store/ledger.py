"""The ledger's SQL: entries (their canonical bytes, byte for byte what is hashed), the Merkle
nodes (every complete perfect subtree, ``ledger/tree.py``) and the signed tree heads.

All three tables are append-only (a trigger refuses UPDATE and DELETE): reads need no lock,
and every node a proof for a committed head needs was committed with that head. Appends are
serialised by the ledger lock (``lock``), held until the appending transaction ends.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from asyncpg import Record

from pamtalk.db.statements import Sql, sql
from pamtalk.db.tx import Read, Tx
from services.blockchain.ledger.merkle import NodeId
from services.blockchain.ledger.tree_head import TreeHead

LEDGER_LOCK = 0x50414D54_4C454447  # "PAMTLEDG": every append, every balance change
NO_CURSOR = 2**63 - 1  # above every index and size (BIGINT)

_LOCK = sql("SELECT pg_advisory_xact_lock(:key)")
_SIZE = sql('SELECT coalesce(max("index") + 1, 0) FROM ledger_entries')
_NODES = sql(
    "SELECT level, position, hash FROM merkle_nodes WHERE (level, position) IN "
    "(SELECT * FROM unnest(CAST(:levels AS smallint[]), CAST(:positions AS bigint[])))"
)
# The entry and the Merkle nodes its append completes, in one statement.
_APPEND = sql(
    'WITH entry AS (INSERT INTO ledger_entries ("index", kind, reference, timestamp_ms, data, leaf_hash) '
    "VALUES (:index, :kind, :reference, :timestamp_ms, :data, :leaf_hash)) "
    "INSERT INTO merkle_nodes (level, position, hash) SELECT * FROM unnest("
    "CAST(:levels AS smallint[]), CAST(:positions AS bigint[]), CAST(:hashes AS bytea[]))"
)
_REFERENCE = sql('SELECT "index" FROM ledger_entries WHERE reference = :reference')
_ENTRY = sql('SELECT data, leaf_hash FROM ledger_entries WHERE "index" = :index')

_HEAD_COLUMNS = "tree_size, timestamp_ms, root_hash, signature, key_id"
_INSERT_HEAD = sql(
    f"INSERT INTO tree_heads ({_HEAD_COLUMNS}) "
    "VALUES (:tree_size, :timestamp_ms, :root_hash, :signature, :key_id)"
)
_LATEST_HEAD = sql(f"SELECT {_HEAD_COLUMNS} FROM tree_heads ORDER BY tree_size DESC LIMIT 1")
_HEAD_AT = sql(f"SELECT {_HEAD_COLUMNS} FROM tree_heads WHERE tree_size = :tree_size")
_HEADS_BEFORE = sql(
    f"SELECT {_HEAD_COLUMNS} FROM tree_heads WHERE tree_size < :before ORDER BY tree_size DESC LIMIT :limit"
)


def _entry_page(by_reference: bool, by_kind: bool) -> Sql:
    where = ['"index" > :after']
    if by_reference:
        where.append("reference = :reference")
    if by_kind:
        where.append("kind = :kind")
    return sql(
        f'SELECT "index", data, leaf_hash FROM ledger_entries WHERE {" AND ".join(where)} '
        'ORDER BY "index" LIMIT :limit'
    )


# One statement per shape of the entry list's filters, built once.
ENTRY_PAGES = {(ref, kind): _entry_page(ref, kind) for ref in (False, True) for kind in (False, True)}


def head_of(row: Record) -> TreeHead:
    return TreeHead(row["tree_size"], row["timestamp_ms"], bytes(row["root_hash"]), bytes(row["signature"]))


async def lock(tx: Tx) -> None:
    """Take the ledger lock for the rest of ``tx`` (released at commit or rollback)."""
    await tx.execute(_LOCK, key=LEDGER_LOCK)


async def size(read: Read) -> int:
    """How many entries there are (the next index)."""
    value: int = await read.fetchval(_SIZE)
    return value


async def nodes(read: Read, ids: Iterable[NodeId]) -> dict[NodeId, bytes]:
    wanted = list(set(ids))
    if not wanted:
        return {}
    rows = await read.fetch(_NODES, levels=[n.level for n in wanted], positions=[n.position for n in wanted])
    return {NodeId(level, position): node_hash for level, position, node_hash in rows}


async def append(
    tx: Tx,
    index: int,
    kind: str,
    reference: str,
    timestamp_ms: int,
    data: bytes,
    leaf_hash: bytes,
    completed: Sequence[tuple[NodeId, bytes]],
) -> None:
    """Insert an entry and the Merkle nodes its append completes."""
    await tx.execute(
        _APPEND,
        index=index,
        kind=kind,
        reference=reference,
        timestamp_ms=timestamp_ms,
        data=data,
        leaf_hash=leaf_hash,
        levels=[n.level for n, _ in completed],
        positions=[n.position for n, _ in completed],
        hashes=[h for _, h in completed],
    )


async def reference_index(read: Read, reference: str) -> int | None:
    """The index of the entry recorded under ``reference``, if any."""
    index: int | None = await read.fetchval(_REFERENCE, reference=reference)
    return index


async def entry_at(read: Read, index: int) -> Record | None:
    """``data`` (the canonical bytes) and ``leaf_hash`` of the entry at ``index``."""
    return await read.fetchrow(_ENTRY, index=index)


async def entry_page(
    read: Read, after: int | None, limit: int, reference: str | None = None, kind: str | None = None
) -> list[Record]:
    """Entries after index ``after`` (``None``: from the first), oldest first."""
    stmt = ENTRY_PAGES[reference is not None, kind is not None]
    values: dict[str, object] = {"after": -1 if after is None else after, "limit": limit}
    if reference is not None:
        values["reference"] = reference
    if kind is not None:
        values["kind"] = kind
    return await read.fetch(stmt, **values)


async def insert_head(tx: Tx, head: TreeHead, key_id: str) -> None:
    await tx.execute(
        _INSERT_HEAD,
        tree_size=head.tree_size,
        timestamp_ms=head.timestamp_ms,
        root_hash=head.root_hash,
        signature=head.signature,
        key_id=key_id,
    )


async def latest_signed(read: Read) -> tuple[TreeHead, str] | None:
    """The latest signed tree head and the id of the key that signed it."""
    row = await read.fetchrow(_LATEST_HEAD)
    return None if row is None else (head_of(row), row["key_id"])


async def latest_head(read: Read) -> TreeHead | None:
    signed = await latest_signed(read)
    return None if signed is None else signed[0]


async def head_at(read: Read, tree_size: int) -> TreeHead | None:
    row = await read.fetchrow(_HEAD_AT, tree_size=tree_size)
    return None if row is None else head_of(row)


async def head_page(read: Read, before: int | None, limit: int) -> list[TreeHead]:
    """Heads of sizes below ``before`` (``None``: all), newest first."""
    rows = await read.fetch(_HEADS_BEFORE, before=NO_CURSOR if before is None else before, limit=limit)
    return [head_of(row) for row in rows]
