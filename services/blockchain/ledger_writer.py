"""Appending to the ledger in PostgreSQL: one writer per database transaction.

``LedgerWriter.open`` takes a transaction-scoped advisory lock (``pg_advisory_xact_lock``),
so appends are serialised across every replica of the service: the next index is read
under the lock, each entry's row and the Merkle nodes it completes are inserted in the same
transaction as the balance changes and outbox events of the caller, and ``close`` signs a
tree head for the new size. A failure anywhere rolls all of it back, so indices stay
gapless and the tree never forks. The lock is released at commit or rollback.

Tree heads are issued per batch (each writer that appended signs one head at ``close``), so
the latest head always covers every committed entry and a proof is available at once.

The ledger's statements are plain SQL, written once, run on the driver connection of a
``LedgerTx``: the kit's ``PlainTx`` (the consumer, in its inbox claim's transaction) or a
``SessionTx`` (the token-write API, inside its session's transaction).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Protocol

import asyncpg
from sqlalchemy import Table, text
from sqlalchemy.ext.asyncio import AsyncSession

from pamtalk.db.outbox import add_event
from pamtalk.db.raw import driver, sql
from pamtalk.events.catalogue import LedgerRecorded
from pamtalk.events.envelope import Envelope, Event
from services.blockchain.ledger.entry import EntryKind, LedgerEntry
from services.blockchain.ledger.merkle import NodeId, hasher_from_nodes, root_hash
from services.blockchain.ledger.tree import append_dependencies, nodes_completed_by_append, nodes_for_root
from services.blockchain.ledger.tree_head import TreeHead, TreeHeadSigner, key_id
from services.blockchain.models import LedgerEntryRow, MerkleNode, TreeHeadRow, outbox

PRODUCER = "blockchain"
LEDGER_LOCK = 0x50414D54_4C454447  # "PAMTLEDG": every append, every balance change
Clock = Callable[[], int]

ENTRIES: str = LedgerEntryRow.__table__.fullname  # type: ignore[attr-defined]
NODES: str = MerkleNode.__table__.fullname  # type: ignore[attr-defined]
HEADS: str = TreeHeadRow.__table__.fullname  # type: ignore[attr-defined]
_LOCK = "SELECT pg_advisory_xact_lock(:key)"  # a session sends it (with its BEGIN) as text
_LOCK_PLAIN = sql(_LOCK).text
_SIZE = f'SELECT coalesce(max("index") + 1, 0) FROM {ENTRIES}'
_NODES = (
    f"SELECT level, position, hash FROM {NODES} "
    "WHERE (level, position) IN (SELECT * FROM unnest($1::smallint[], $2::bigint[]))"
)
_LATEST_HEAD = (
    f"SELECT tree_size, timestamp_ms, root_hash, signature, key_id FROM {HEADS} "
    "ORDER BY tree_size DESC LIMIT 1"
)
_REFERENCE = f'SELECT "index" FROM {ENTRIES} WHERE reference = $1'
# The entry and the Merkle nodes its append completes, in one statement.
_APPEND = (
    f'WITH entry AS (INSERT INTO {ENTRIES} ("index", kind, reference, timestamp_ms, data, leaf_hash) '
    "VALUES ($1, $2, $3, $4, $5, $6)) "
    f"INSERT INTO {NODES} (level, position, hash) "
    "SELECT * FROM unnest($7::smallint[], $8::bigint[], $9::bytea[])"
)
_INSERT_HEAD = (
    f"INSERT INTO {HEADS} (tree_size, timestamp_ms, root_hash, signature, key_id) VALUES ($1, $2, $3, $4, $5)"
)


class LedgerTx(Protocol):
    """A database transaction the ledger is written in: plain SQL on ``conn``, events
    through ``add_event`` (the kit's ``PlainTx`` is one)."""

    @property
    def conn(self) -> asyncpg.Connection: ...

    async def add_event(self, table: Table, event_body: Event, producer: str) -> Envelope: ...


class SessionTx:
    """A session's transaction as a ``LedgerTx``: its driver connection (the session has sent
    ``BEGIN`` before: see ``LedgerWriter.open_session``), its events by the kit's ``add_event``."""

    def __init__(self, session: AsyncSession, conn: asyncpg.Connection) -> None:
        self.session, self.conn = session, conn

    async def add_event(self, table: Table, event_body: Event, producer: str) -> Envelope:
        return await add_event(self.session, table, event_body, producer)


def now_ms() -> int:
    return time.time_ns() // 1_000_000


async def load_nodes(conn: asyncpg.Connection, ids: Iterable[NodeId]) -> dict[NodeId, bytes]:
    wanted = list(set(ids))
    if not wanted:
        return {}
    rows = await conn.fetch(_NODES, [n.level for n in wanted], [n.position for n in wanted])
    return {NodeId(level, position): node_hash for level, position, node_hash in rows}


async def ledger_size(conn: asyncpg.Connection) -> int:
    size: int = await conn.fetchval(_SIZE)
    return size


async def load_latest_signed(conn: asyncpg.Connection) -> tuple[TreeHead, str] | None:
    """The latest signed tree head and the id of the key that signed it."""
    row = await conn.fetchrow(_LATEST_HEAD)
    return None if row is None else (TreeHead(row[0], row[1], bytes(row[2]), bytes(row[3])), row[4])


async def load_latest_head(conn: asyncpg.Connection) -> TreeHead | None:
    signed = await load_latest_signed(conn)
    return None if signed is None else signed[0]


async def reference_index(conn: asyncpg.Connection, reference: str) -> int | None:
    """The index of the entry recorded under ``reference``, if any."""
    index: int | None = await conn.fetchval(_REFERENCE, reference)
    return index


class LedgerWriter:
    def __init__(self, tx: LedgerTx, signer: TreeHeadSigner, clock: Clock, size: int) -> None:
        self.tx, self._signer, self._clock = tx, signer, clock
        self.size = size
        self.appended: list[LedgerEntry] = []
        self._signed_size = size
        self._nodes: dict[NodeId, bytes] = {}

    @classmethod
    async def open(cls, tx: LedgerTx, signer: TreeHeadSigner, clock: Clock = now_ms) -> LedgerWriter:
        """Lock the ledger for the rest of ``tx``'s transaction and read its size."""
        await tx.conn.execute(_LOCK_PLAIN, LEDGER_LOCK)
        return cls(tx, signer, clock, await ledger_size(tx.conn))

    @classmethod
    async def open_session(
        cls, session: AsyncSession, signer: TreeHeadSigner, clock: Clock = now_ms
    ) -> LedgerWriter:
        """``open`` in ``session``'s transaction: the lock is its first statement (sent with
        the session's ``BEGIN``), the ledger's statements follow on its driver connection."""
        await session.execute(text(_LOCK), {"key": LEDGER_LOCK})
        tx = SessionTx(session, await driver(session))
        return cls(tx, signer, clock, await ledger_size(tx.conn))

    async def _node_lookup(self, ids: Iterable[NodeId]) -> Callable[[NodeId], bytes]:
        missing = [n for n in ids if n not in self._nodes]
        self._nodes.update(await load_nodes(self.tx.conn, missing))
        return self._nodes.__getitem__

    async def append(self, kind: EntryKind, reference: str, payload: Mapping[str, Any]) -> LedgerEntry:
        """Append one entry (validated and encoded before anything is written)."""
        entry = LedgerEntry(kind, self.size, self._clock(), reference, dict(payload))
        data = entry.canonical_bytes()
        leaf = entry.leaf_hash()
        get_node = await self._node_lookup(append_dependencies(entry.index))
        completed = nodes_completed_by_append(entry.index, leaf, get_node)
        await self.tx.conn.execute(
            _APPEND,
            entry.index,
            entry.kind.value,
            reference,
            entry.timestamp_ms,
            data,
            leaf,
            [n.level for n, _ in completed],
            [n.position for n, _ in completed],
            [h for _, h in completed],
        )
        self._nodes.update(completed)
        self.size += 1
        self.appended.append(entry)
        await self.tx.add_event(
            outbox,
            LedgerRecorded(
                index=entry.index, kind=entry.kind.value, reference=reference, leaf_hash=leaf.hex()
            ),
            PRODUCER,
        )
        return entry

    async def close(self) -> TreeHead | None:
        """Sign and store a tree head for the new size (``None`` if nothing was appended)."""
        if self.size == self._signed_size:
            return None
        get_node = await self._node_lookup(nodes_for_root(self.size))
        root = root_hash(self.size, hasher_from_nodes(get_node))
        last = await load_latest_head(self.tx.conn)
        timestamp = max(self._clock(), last.timestamp_ms if last else 0)
        head = self._signer.sign(self.size, root, timestamp_ms=timestamp)
        await self.tx.conn.execute(
            _INSERT_HEAD,
            head.tree_size,
            head.timestamp_ms,
            head.root_hash,
            head.signature,
            key_id(self._signer.public_key),
        )
        self._signed_size = self.size
        return head
