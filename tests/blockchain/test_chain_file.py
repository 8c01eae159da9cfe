"""The in-process chain kept in a file (``anchoring/chain_file.py``): an anchor returned before
the chain is closed is still on it, and checks with the partner's verifier, after it is
reopened; anchoring goes on from the same account on the same contract; a file that cannot
be used is set aside for a new chain (never a crash loop); a file in use stops a second
process."""

from __future__ import annotations

import hashlib
import logging
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from services.blockchain.anchoring.chain import AnchorClient
from services.blockchain.anchoring.chain_file import ChainFileInUse, file_anchor_client
from services.blockchain.anchoring.chain_rpc import client_rpc
from services.blockchain.ledger.anchor import check_anchor_on_chain

R1, R2 = hashlib.sha256(b"one").digest(), hashlib.sha256(b"two").digest()


@pytest.fixture
def chain_file(tmp_path: Path) -> Path:
    return tmp_path / "chain" / "chain.sqlite3"


@pytest.fixture
def opened() -> Iterator[list[AnchorClient]]:
    """Clients a test opens, closed at its end whatever happens."""
    clients: list[AnchorClient] = []
    yield clients
    for client in clients:
        client.close()


def open_chain(path: Path, opened: list[AnchorClient]) -> AnchorClient:
    client = file_anchor_client(path)
    opened.append(client)
    return client


def test_an_anchor_checks_after_the_chain_is_reopened(chain_file: Path, opened: list[AnchorClient]) -> None:
    first = open_chain(chain_file, opened)
    receipt = first.anchor(10, R1)
    first.close()

    again = open_chain(chain_file, opened)
    assert again.contract_address == first.contract_address and again.address == first.address
    confirmed = check_anchor_on_chain(receipt.to_anchor(), client_rpc(again), contract=first.contract_address)
    assert confirmed.confirmations == 1
    assert again.anchor(10, R1) == receipt  # the same root: the original transaction, found by its log
    later = again.anchor(20, R2)  # the same account still owns the contract
    assert later.block_number == receipt.block_number + 1 and again.latest_tree_size() == 20
    again.close()

    third = open_chain(chain_file, opened)
    for anchor in (receipt, later):
        check_anchor_on_chain(anchor.to_anchor(), client_rpc(third), contract=first.contract_address)


def test_a_second_process_cannot_open_a_chain_in_use(chain_file: Path, opened: list[AnchorClient]) -> None:
    first = open_chain(chain_file, opened)
    with pytest.raises(ChainFileInUse, match="open in another process"):
        file_anchor_client(chain_file)
    assert chain_file.exists() and not list(chain_file.parent.glob("*.broken-*"))  # nothing set aside
    first.close()
    assert open_chain(chain_file, opened).contract_address == first.contract_address


def _garbage(path: Path) -> None:
    path.write_bytes(b"not a chain " * 1000)


def _truncated(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _damaged_pages(path: Path) -> None:
    data = bytearray(path.read_bytes())
    for at in range(4096 * 2, len(data), 4096):  # every page but the header's and the first
        data[at + 100 : at + 400] = bytes(300)
    path.write_bytes(bytes(data))


def _another_contract(path: Path) -> None:
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE meta SET value = ? WHERE name = 'contract_address'", ("0x" + "ab" * 20,))
    connection.close()


def _without_meta(path: Path) -> None:
    with sqlite3.connect(path) as connection:
        connection.execute("DELETE FROM meta WHERE name = 'contract_address'")
    connection.close()


def _empty(path: Path) -> None:
    path.write_bytes(b"")


@pytest.mark.parametrize(
    "damage", [_garbage, _truncated, _damaged_pages, _without_meta, _another_contract, _empty]
)
def test_an_unusable_file_is_set_aside_and_a_new_chain_starts(
    chain_file: Path, opened: list[AnchorClient], caplog: pytest.LogCaptureFixture, damage: object
) -> None:
    first = open_chain(chain_file, opened)
    first.anchor(10, R1)
    first.close()
    assert callable(damage)
    damage(chain_file)
    broken = chain_file.read_bytes()

    with caplog.at_level(logging.ERROR, logger="pamtalk.blockchain.anchoring"):
        fresh = open_chain(chain_file, opened)
    assert fresh.contract_address != first.contract_address and fresh.root_at(10) is None
    assert fresh.anchor(10, R1).tree_size == 10
    (aside,) = chain_file.parent.glob("chain.sqlite3.broken-*[0-9]Z")
    assert aside.read_bytes() == broken  # kept for whoever can repair or restore it
    (record,) = [r for r in caplog.records if getattr(r, "error_code", None) == "chain_file_unusable"]
    assert str(aside) in record.getMessage() and "new chain" in record.getMessage()


def test_a_missing_file_is_a_new_chain_and_a_leftover_of_an_interrupted_creation_is_ignored(
    chain_file: Path, opened: list[AnchorClient]
) -> None:
    chain_file.parent.mkdir(parents=True)
    leftover = chain_file.with_name(chain_file.name + ".new")
    leftover.write_bytes(b"half-built")
    client = open_chain(chain_file, opened)
    assert client.root_at(1) is None and client.anchor(1, R1).tree_size == 1
    assert not leftover.exists()
    assert sorted(p.name for p in chain_file.parent.iterdir()) == ["chain.sqlite3", "chain.sqlite3-wal"]


def test_the_chain_file_module_leaves_the_recursion_limit_alone() -> None:
    """py-evm raises it on import; the kit's guarantee (``pamtalk/interpreter.py``) holds."""
    probe = "import sys, services.blockchain.anchoring.chain_file; print(sys.getrecursionlimit())"
    run = [sys.executable, "-c", probe]
    done = subprocess.run(run, capture_output=True, text=True, timeout=120, check=True)
    assert done.stdout.strip() == "1000"
