"""Operator commands for the ledger's keys and the anchor contract.

    python -m services.blockchain.cli keygen --out ledger-key.pem   # new Ed25519 ledger key (0600)
    python -m services.blockchain.cli public-key                     # what to publish for verifiers
    python -m services.blockchain.cli deploy-anchor                  # deploy Anchor.vy on the chain

``public-key`` and ``deploy-anchor`` read the service settings (``PAMTALK_BLOCKCHAIN_*``):
the ledger key from ``LEDGER_SIGNING_KEY`` (else the development key), the chain from
``CHAIN_RPC_URL`` and ``CHAIN_PRIVATE_KEY``.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from .ledger.tree_head import TreeHeadSigner, key_id, public_key_b64, public_key_pem
from .settings import BlockchainSettings


def _print_public(signer: TreeHeadSigner) -> None:
    key = signer.public_key
    print(public_key_pem(key), end="")
    print(f"raw (base64): {public_key_b64(key)}")
    print(f"key id (sha256 of raw key): {key_id(key)}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m services.blockchain.cli")
    commands = parser.add_subparsers(dest="command", required=True)
    keygen = commands.add_parser("keygen", help="generate a ledger signing key")
    keygen.add_argument("--out", required=True, help="file for the private key (PEM, mode 0600)")
    commands.add_parser("public-key", help="print the ledger public key and its key id")
    commands.add_parser("deploy-anchor", help="deploy the anchor contract with the configured account")
    args = parser.parse_args(argv)

    if args.command == "keygen":
        signer = TreeHeadSigner.generate()
        fd = os.open(args.out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(signer.private_key_pem())
        _print_public(signer)
        return 0
    settings = BlockchainSettings()
    if args.command == "public-key":
        _print_public(settings.tree_head_signer())
        return 0
    if not settings.chain_rpc_url:
        print("set PAMTALK_BLOCKCHAIN_CHAIN_RPC_URL and PAMTALK_BLOCKCHAIN_CHAIN_PRIVATE_KEY first")
        return 2
    client = settings.anchor_client()
    address = client.deploy()
    print(f"anchor contract {address} on chain {client.chain_id()}, owner {client.address}")
    print("set PAMTALK_BLOCKCHAIN_ANCHOR_CONTRACT_ADDRESS to it and publish it with the chain id")
    return 0


if __name__ == "__main__":
    sys.exit(main())
