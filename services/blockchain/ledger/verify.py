"""Verify a PAM-TALK ledger entry without PAM-TALK: ``python -m services.blockchain.ledger.verify``.

Reads a verification bundle (JSON, from a file or stdin; format in
``docs/ledger-verification.md``), prints ``VALID`` or ``INVALID: <reason>`` and exits 0 or 1.

    python -m services.blockchain.ledger.verify bundle.json --public-key pamtalk-ledger.pem
    python -m services.blockchain.ledger.verify bundle.json --anchor --rpc https://node.example \\
        --contract 0xAnchorContract

The ``ledger`` package imports only the standard library and ``cryptography``: copy its folder
to run the verifier anywhere.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any, TextIO

from .anchor import RpcCall, http_rpc
from .bundle import Verdict, verify_bundle
from .tree_head import TreeHeadError, load_public_key


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m services.blockchain.ledger.verify",
        description="Check that a ledger entry is in PAM-TALK's signed ledger (and anchored on a chain).",
    )
    p.add_argument("bundle", nargs="?", default="-", help="bundle JSON file, or - for stdin (default)")
    p.add_argument(
        "--public-key",
        metavar="FILE",
        help="the ledger's public key as PAM-TALK publishes it (PEM or base64); it must be the key "
        "whose id the bundle's key_id names (after a key rotation, see /api/v1/ledger/public-keys); "
        "without it the key inside the bundle is used, which proves less",
    )
    p.add_argument("--anchor", action="store_true", help="also check the bundle's anchor on a chain")
    p.add_argument("--rpc", metavar="URL", help="JSON-RPC endpoint of a node you trust (with --anchor)")
    p.add_argument("--contract", metavar="ADDRESS", help="pin the anchor contract address (with --anchor)")
    p.add_argument("--min-confirmations", type=int, default=1, metavar="N", help="default 1")
    return p


def _read_bundle(path: str, stdin: TextIO) -> Any:
    if path == "-":
        return json.load(stdin)
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def run(
    argv: Sequence[str] | None = None, *, rpc: RpcCall | None = None, stdin: TextIO | None = None
) -> Verdict:
    """Parse arguments and verify; ``rpc`` replaces ``--rpc`` (for embedding and tests)."""
    args = _parser().parse_args(argv)
    if args.anchor and rpc is None:
        if not args.rpc:
            return Verdict(False, "--anchor needs --rpc URL (a node you trust)")
        rpc = http_rpc(args.rpc)
    try:
        bundle = _read_bundle(args.bundle, stdin or sys.stdin)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        return Verdict(False, f"cannot read the bundle: {exc}")
    key = None
    if args.public_key:
        try:
            with open(args.public_key, encoding="ascii") as fh:
                key = load_public_key(fh.read())
        except (OSError, UnicodeDecodeError, TreeHeadError) as exc:
            return Verdict(False, f"cannot read the public key: {exc}")
    return verify_bundle(
        bundle,
        public_key=key,
        rpc=rpc if args.anchor else None,
        contract=args.contract,
        min_confirmations=args.min_confirmations,
    )


def main(argv: Sequence[str] | None = None) -> int:
    verdict = run(argv)
    if verdict.valid:
        print("VALID: " + verdict.reason)
        for line in verdict.details:
            print("  " + line)
        return 0
    print("INVALID: " + verdict.reason)
    return 1


if __name__ == "__main__":
    sys.exit(main())
