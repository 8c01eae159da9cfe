"""The in-process chain kept in a file, so that every anchor it returned stays checkable
after a restart (``make run``: ``.data/chain/chain.sqlite3``).

py-evm keeps a chain as a key-value store: blocks, receipts, state trie nodes and the
canonical head. Here that store is one SQLite table (``kv``), and a second one (``meta``)
holds what it takes to go on anchoring on the same chain: the anchoring account's key (of
this local chain only: its ether is worth nothing), the contract's address and the block it
was deployed in. At start the chain is reopened where it stood: nothing is replayed, so the
start-up does not grow with the number of anchors.

Durability: py-evm writes a block with its receipts and the new canonical head in one atomic
batch, and every batch here ends in a SQLite commit (WAL, ``synchronous=FULL``). So the file
always holds a whole chain, and an anchor is on disk before the client returns it, which is
before the service stores it in PostgreSQL. A new file is built under a temporary name and
renamed once its contract is deployed. The file is locked while open: a second process on
the same data folder stops with :class:`ChainFileInUse`.

A file that cannot be used (not SQLite, damaged, incomplete, another chain's) is moved aside
to ``<name>.broken-<UTC time>`` and a new chain starts, logged as an error: the platform
comes up instead of failing in a loop. Anchors made on the old chain cannot be checked
against the new one (put the moved file back, from a backup if need be, to check them); the
service anchors its latest root on the new contract at its next tick.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from eth_account import Account
from web3 import Web3

from pamtalk.interpreter import restoring_recursion_limit
from services.blockchain.anchoring.chain import (
    AnchorClient,
    AnchorRejected,
    ChainUnavailable,
    in_process_chain,
)

with restoring_recursion_limit():  # py-evm raises it on import
    from eth.db.atomic import AtomicDB
    from eth.db.backends.base import BaseDB
    from eth.exceptions import PyEVMError
    from eth.exceptions import TransactionNotFound as UnindexedTransaction
    from eth_tester import EthereumTester, PyEVMBackend
    from eth_tester.backends.pyevm.serializers import serialize_transaction, serialize_transaction_receipt
    from eth_tester.exceptions import TransactionNotFound
    from rlp.exceptions import RLPException
    from web3 import EthereumTesterProvider

log = logging.getLogger("pamtalk.blockchain.anchoring")

FORMAT = "pamtalk-chain-1"
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS kv (k BLOB PRIMARY KEY, v BLOB NOT NULL) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
)
_META = ("format", "account_key", "contract_address", "contract_block")
# What reading a damaged or foreign file can raise (a bug of ours raises something else and
# stops the start-up rather than setting the chain aside).
_UNREADABLE = (sqlite3.DatabaseError, KeyError, ValueError, PyEVMError, RLPException)


class ChainFileError(Exception):
    """The file cannot be used as the chain: not SQLite, damaged, incomplete."""


class ChainFileInUse(RuntimeError):
    """Another process has the chain file open (two platforms on one data folder)."""


class _SqliteStore(BaseDB):
    """py-evm's key-value interface over the file's ``kv`` table."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection

    def __getitem__(self, key: bytes) -> bytes:
        row = self.connection.execute("SELECT v FROM kv WHERE k = ?", (key,)).fetchone()
        if row is None:
            raise KeyError(key)
        return bytes(row[0])

    def __setitem__(self, key: bytes, value: bytes) -> None:
        self.connection.execute("INSERT OR REPLACE INTO kv (k, v) VALUES (?, ?)", (key, value))

    def _exists(self, key: bytes) -> bool:
        return self.connection.execute("SELECT 1 FROM kv WHERE k = ?", (key,)).fetchone() is not None

    def __delitem__(self, key: bytes) -> None:
        if self.connection.execute("DELETE FROM kv WHERE k = ?", (key,)).rowcount == 0:
            raise KeyError(key)


class _CommittingDB(AtomicDB):
    """py-evm's atomic database whose every batch (a block and its canonical head, say)
    ends in a SQLite commit."""

    def __init__(self, store: _SqliteStore) -> None:
        super().__init__(store)
        self._connection = store.connection

    @contextmanager
    def atomic_batch(self) -> Iterator[object]:  # type: ignore[override]
        with super().atomic_batch() as batch:
            yield batch
        self._connection.commit()


class _IndexedBackend(PyEVMBackend):  # type: ignore[misc]
    """eth-tester's py-evm backend finding a mined transaction by py-evm's index (hash ->
    block, position) rather than by reading every block back from the head: with that scan,
    the receipt of an early anchor cost a read of the whole kept chain, and a search of the
    anchor events (``get_logs``, one receipt per transaction) grew with its square."""

    def _locate(self, transaction_hash: bytes) -> tuple[Any, Any, int]:
        chain = self.chain
        try:
            number, index = chain.chaindb.get_transaction_index(transaction_hash)
        except UnindexedTransaction:
            pending = chain.get_block()  # not mined yet: only the block being built has it
            for index, transaction in enumerate(pending.transactions):
                if transaction.hash == transaction_hash:
                    return pending, transaction, index
            raise TransactionNotFound(f"No transaction found for hash 0x{transaction_hash.hex()}") from None
        block = chain.get_canonical_block_by_number(number)
        return block, block.transactions[index], index

    def get_transaction_by_hash(self, transaction_hash: bytes) -> Any:
        block, transaction, index = self._locate(transaction_hash)
        pending = block.number == self.chain.get_block().number
        return serialize_transaction(block, transaction, index, pending)

    def get_transaction_receipt(self, transaction_hash: bytes) -> Any:
        block, transaction, index = self._locate(transaction_hash)
        pending = block.number == self.chain.get_block().number
        receipts = block.get_receipts(self.chain.chaindb)
        return serialize_transaction_receipt(
            block, receipts, transaction, index, pending, self.chain.get_vm()
        )


def _connect(path: Path, *, create: bool) -> sqlite3.Connection:
    uri = f"{path.resolve().as_uri()}?mode={'rwc' if create else 'rw'}"
    connection = sqlite3.connect(uri, uri=True, timeout=0, check_same_thread=False)
    try:
        connection.execute("PRAGMA locking_mode=EXCLUSIVE")  # held until closed
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=FULL")
        connection.execute("BEGIN EXCLUSIVE")
        if create:
            for statement in _SCHEMA:
                connection.execute(statement)
        connection.commit()
    except sqlite3.OperationalError as exc:
        connection.close()
        if "locked" in str(exc):
            raise ChainFileInUse(f"the chain file {path} is open in another process") from exc
        raise
    except BaseException:
        connection.close()
        raise
    return connection


def _tester(connection: sqlite3.Connection, *, genesis: bool) -> Web3:
    """A ``Web3`` on eth-tester whose py-evm chain lives in ``connection`` (new from
    genesis, or reopened at its canonical head)."""
    backend = _IndexedBackend()  # its in-memory chain only lends the chain class
    chain_class = type(backend.chain)
    db = _CommittingDB(_SqliteStore(connection))
    if genesis:
        params, state = PyEVMBackend.generate_genesis_params(), PyEVMBackend.generate_genesis_state()
        backend.chain = chain_class.from_genesis(db, params, state)
    else:
        backend.chain = chain_class(db)
    return Web3(EthereumTesterProvider(EthereumTester(backend)))


def _create(path: Path) -> None:
    """A new chain with a freshly deployed contract, built under a temporary name and then
    renamed to ``path``."""
    temp = path.with_name(path.name + ".new")
    _remove(temp)
    connection = _connect(temp, create=True)
    try:
        w3, account = in_process_chain(provider=_tester(connection, genesis=True).provider)
        client = AnchorClient(w3, account)
        meta = {
            "format": FORMAT,
            "account_key": account.key.hex(),
            "contract_address": client.deploy(),
            "contract_block": str(client.logs_from_block),
        }
        connection.executemany("INSERT INTO meta (name, value) VALUES (?, ?)", meta.items())
        connection.commit()
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()
    os.replace(temp, path)
    _sync_folder(path.parent)


def _reopen(path: Path) -> AnchorClient:
    if path.stat().st_size == 0:  # SQLite would take it for a new database
        raise ChainFileError("empty")
    try:
        connection = _connect(path, create=False)
    except sqlite3.DatabaseError as exc:
        raise ChainFileError(f"{type(exc).__name__}: {exc}") from exc
    try:
        return _client_of(path, connection)
    except ChainFileError:
        connection.close()
        raise
    except _UNREADABLE as exc:
        connection.close()
        raise ChainFileError(f"{type(exc).__name__}: {exc}") from exc
    except BaseException:
        connection.close()
        raise


def _client_of(path: Path, connection: sqlite3.Connection) -> AnchorClient:
    check = connection.execute("PRAGMA quick_check").fetchone()[0]
    if check != "ok":
        raise ChainFileError(f"damaged ({check})")
    meta = dict(connection.execute("SELECT name, value FROM meta").fetchall())
    missing = [name for name in _META if name not in meta]
    if missing or meta["format"] != FORMAT:
        raise ChainFileError(f"incomplete or of another format (missing: {', '.join(missing) or 'none'})")
    account = Account.from_key(meta["account_key"])
    w3 = _tester(connection, genesis=False)
    client = AnchorClient(
        w3,
        account,
        meta["contract_address"],
        logs_from_block=int(meta["contract_block"]),
        on_close=connection.close,
    )
    try:
        owner = client.owner()
    except (AnchorRejected, ChainUnavailable) as exc:  # no contract at that address, say
        raise ChainFileError(f"its anchor contract cannot be read: {exc}") from exc
    if owner != account.address:
        raise ChainFileError("its anchor contract is not owned by its account")
    log.info(
        "in-process chain reopened",
        extra={"path": str(path), "block": w3.eth.block_number, "tree_size": client.latest_tree_size()},
    )
    return client


def file_anchor_client(path: Path) -> AnchorClient:
    """The in-process chain kept in ``path`` (made on the first start), with its contract."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        try:
            return _reopen(path)
        except ChainFileError as exc:
            aside = _move_aside(path)
            log.error(
                "the in-process chain's file cannot be used (%s): moved to %s; a new chain starts, and "
                "anchors made on the old one cannot be checked until that file is put back",
                exc,
                aside,
                extra={"error_code": "chain_file_unusable"},
            )
    else:
        log.info("no in-process chain yet: a new one is made", extra={"path": str(path)})
    _create(path)
    return _reopen(path)


def _move_aside(path: Path) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    aside = path.with_name(f"{path.name}.broken-{stamp}")
    for suffix in ("", "-wal", "-shm"):
        source = Path(f"{path}{suffix}")
        if source.exists():
            os.replace(source, f"{aside}{suffix}")
    return aside


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _sync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
