"""Benchmark of the in-process chain kept in a file (not collected by pytest: no ``test_``).

    .venv/bin/python -m tests.blockchain.bench_chain_file [--anchors 1000] [--rounds 5] [--file F]

Builds a chain file with ``--anchors`` anchors (kept in ``--file`` if given, reused when it
exists), then shows, best of ``--rounds``:

- the file's size and the wall time of one anchor written to it;
- reopening the chain (``file_anchor_client``, what the service's start-up does) against making
  a new chain in memory (the start-up without a file);
- the whole blockchain service's start (its app's lifespan start, on a scratch database with
  its migrations) with that file and with an in-memory chain;
- checking the oldest and the newest anchor through the chain's read-only JSON-RPC (what the
  verifier asks for, ``check_anchor_on_chain``).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from services.blockchain.anchoring.chain import AnchorReceipt, local_anchor_client
from services.blockchain.anchoring.chain_file import file_anchor_client
from services.blockchain.anchoring.chain_rpc import client_rpc
from services.blockchain.ledger.anchor import check_anchor_on_chain
from tests.blockchain.support import ledger_service
from tests.conftest import REDIS_URL, TokenFactory, scratch_database


def best_ms(rounds: int, action: Callable[[], Any]) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return min(times)


def build(path: Path, anchors: int) -> tuple[AnchorReceipt, AnchorReceipt, float]:
    """The chain file with ``anchors`` anchors; its oldest and newest anchor and the ms an
    anchor took to write (0: the file was there)."""
    client = file_anchor_client(path)
    try:
        have = client.latest_tree_size()
        start = time.perf_counter()
        for size in range(have + 1, anchors + 1):
            client.anchor(size, hashlib.sha256(str(size).encode()).digest())
        written = anchors - have
        per_anchor = (time.perf_counter() - start) * 1000 / written if written > 0 else 0.0
        roots = [client.root_at(size) for size in (1, anchors)]
        found = [client.anchor(size, root) for size, root in zip((1, anchors), roots, strict=True) if root]
        return found[0], found[1], per_anchor
    finally:
        client.close()


async def service_start_ms(chain_file: Path | None, rounds: int) -> float:
    times = []
    async with scratch_database("pamtalk_bench_chain", ("blockchain",)) as url:
        for _ in range(rounds):
            start = time.perf_counter()
            async with ledger_service(
                url,
                REDIS_URL,
                TokenFactory(),
                db_pool_size=2,
                in_process_chain_file=str(chain_file or ""),
            ):
                times.append((time.perf_counter() - start) * 1000)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--anchors", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--file", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = args.file or Path(folder) / "chain.sqlite3"
        oldest, newest, per_anchor = build(path, args.anchors)
        print(f"chain file: {args.anchors} anchors, {path.stat().st_size / 1e6:.1f} MB")
        if per_anchor:
            print(f"one anchor written to the file: {per_anchor:.0f} ms")
        print(
            f"reopen the chain file: {best_ms(args.rounds, lambda: file_anchor_client(path).close()):.0f} ms"
        )
        print(f"new chain in memory: {best_ms(args.rounds, local_anchor_client):.0f} ms")
        print(f"service start, chain file: {asyncio.run(service_start_ms(path, args.rounds)):.0f} ms")
        print(f"service start, chain in memory: {asyncio.run(service_start_ms(None, args.rounds)):.0f} ms")
        client = file_anchor_client(path)
        try:
            rpc = client_rpc(client)
            for name, receipt in (("oldest", oldest), ("newest", newest)):
                anchor = receipt.to_anchor()
                ms = best_ms(args.rounds, lambda: check_anchor_on_chain(anchor, rpc))  # noqa: B023
                print(f"check the {name} anchor over the chain's JSON-RPC: {ms:.0f} ms")
        finally:
            client.close()


if __name__ == "__main__":
    main()
