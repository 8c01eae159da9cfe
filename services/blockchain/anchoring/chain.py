"""Writing tree roots to an Ethereum-compatible chain through the ``Anchor`` contract.

``AnchorClient`` is synchronous (web3.py's sync API, which also drives the in-process
eth-tester chain); async code calls the ``*_async`` methods, which run the same calls in a
worker thread (``asyncio.to_thread``). One lock serialises the client's transactions so
nonces never collide. Every transaction is signed locally with the configured key and sent
raw, the same way on eth-tester and on a production JSON-RPC node.

Errors: ``ChainUnavailable`` (node unreachable, timed out, RPC failure: retry later, the
ledger goes on) and ``AnchorRejected`` (the contract reverted: not the owner, or a
*different* root already stored for that size, which means the ledger diverged: page
someone). Re-anchoring the same root is harmless: the contract ignores it and the client
returns the original anchoring transaction.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import requests
from eth_account import Account
from eth_account.signers.local import LocalAccount
from eth_typing import ChecksumAddress
from web3 import Web3
from web3.exceptions import ContractLogicError, TimeExhausted, Web3Exception
from web3.types import Wei

from pamtalk.interpreter import restoring_recursion_limit
from services.blockchain.anchoring.outcomes import AnchorReceipt, AnchorRejected, ChainUnavailable
from services.blockchain.contracts.build import load_artifact
from services.blockchain.ledger.anchor import ANCHORED_TOPIC

try:  # reverts on the in-process chain surface as eth-tester's own exception
    from eth_tester.exceptions import TransactionFailed as _TesterRevert
except ImportError:  # pragma: no cover - production installs may leave eth-tester out

    class _TesterRevert(Exception):  # type: ignore[no-redef]
        pass


_REVERTS: tuple[type[Exception], ...] = (ContractLogicError, _TesterRevert)
_OUTAGES: tuple[type[Exception], ...] = (OSError, requests.RequestException, TimeExhausted, Web3Exception)


class AnchorClient:
    def __init__(
        self,
        w3: Web3,
        account: LocalAccount,
        contract_address: str | None = None,
        *,
        receipt_timeout: float = 120.0,
        expected_chain_id: int | None = None,
        logs_from_block: int = 0,
    ) -> None:
        artifact = load_artifact()
        self._w3, self._account = w3, account
        self._abi, self._bytecode = artifact["abi"], artifact["bytecode"]
        self._address = Web3.to_checksum_address(contract_address) if contract_address else None
        self._receipt_timeout = receipt_timeout
        self._expected_chain_id = expected_chain_id
        self._logs_from_block = logs_from_block
        self._chain_id: int | None = None
        self._lock = threading.Lock()

    @classmethod
    def connect(
        cls,
        rpc_url: str,
        private_key: str,
        contract_address: str | None,
        *,
        expected_chain_id: int | None = None,
        request_timeout: float = 10.0,
        receipt_timeout: float = 120.0,
        logs_from_block: int = 0,
    ) -> AnchorClient:
        """A client for a JSON-RPC node (production); the key comes from a secret."""
        provider = Web3.HTTPProvider(rpc_url, request_kwargs={"timeout": request_timeout})
        return cls(
            Web3(provider),
            Account.from_key(private_key),
            contract_address,
            receipt_timeout=receipt_timeout,
            expected_chain_id=expected_chain_id,
            logs_from_block=logs_from_block,
        )

    @property
    def address(self) -> ChecksumAddress:
        """The account that signs anchors (must be the contract's owner)."""
        return self._account.address

    @property
    def contract_address(self) -> ChecksumAddress:
        if self._address is None:
            raise RuntimeError("no anchor contract: deploy() one or configure its address")
        return self._address

    @contextmanager
    def exclusive_web3(self) -> Iterator[Web3]:
        """The client's ``Web3`` with this client's transactions held off meanwhile (for the
        read-only JSON-RPC bridge to the in-process chain)."""
        with self._lock:
            yield self._w3

    def _contract(self) -> Any:
        return self._w3.eth.contract(address=self.contract_address, abi=self._abi)

    def chain_id(self) -> int:
        with _mapped_errors():
            if self._chain_id is None:
                chain_id = int(self._w3.eth.chain_id)
                if self._expected_chain_id is not None and chain_id != self._expected_chain_id:
                    raise AnchorRejected(f"node is on chain {chain_id}, expected {self._expected_chain_id}")
                self._chain_id = chain_id
            return self._chain_id

    def _send(self, tx: dict[str, Any]) -> Any:
        """Sign ``tx`` (built with from/nonce filled here), send it, wait for the receipt."""
        tx = {**tx, "chainId": self.chain_id()}
        signed = self._account.sign_transaction(tx)
        tx_hash = self._w3.eth.send_raw_transaction(signed.raw_transaction)
        receipt = self._w3.eth.wait_for_transaction_receipt(tx_hash, timeout=self._receipt_timeout)
        if receipt["status"] != 1:
            raise AnchorRejected(f"transaction 0x{bytes(tx_hash).hex()} failed")
        return receipt

    def _tx_params(self) -> dict[str, Any]:
        return {"from": self.address, "nonce": self._w3.eth.get_transaction_count(self.address, "pending")}

    def deploy(self) -> str:
        """Deploy a new anchor contract owned by this account (local chains, first setup)."""
        with self._lock, _mapped_errors():
            factory = self._w3.eth.contract(abi=self._abi, bytecode=self._bytecode)
            receipt = self._send(factory.constructor().build_transaction(self._tx_params()))
            self._address = Web3.to_checksum_address(receipt["contractAddress"])
            self._logs_from_block = int(receipt["blockNumber"])
            return self._address

    def anchor(self, tree_size: int, root_hash: bytes) -> AnchorReceipt:
        """Write ``root_hash`` for ``tree_size``; returns where it landed.

        Idempotent: if that root is already anchored, returns the original transaction.
        """
        if len(root_hash) != 32:
            raise ValueError("a root hash is 32 bytes")
        with self._lock, _mapped_errors():
            contract = self._contract()
            stored = bytes(contract.functions.root_at(tree_size).call())
            if stored != root_hash:
                tx = contract.functions.anchor(tree_size, root_hash).build_transaction(self._tx_params())
                receipt = self._send(tx)
                if self._logged(receipt, tree_size, root_hash):
                    return self._receipt(tree_size, root_hash, receipt)
            # Anchored before (e.g. an earlier attempt whose receipt we never saw).
            found = self._find_anchor_log(tree_size, root_hash)
            if found is None:
                raise AnchorRejected(f"root for tree size {tree_size} is stored but its event is missing")
            return found

    def _logged(self, receipt: Any, tree_size: int, root_hash: bytes) -> bool:
        topics = [bytes.fromhex(ANCHORED_TOPIC), tree_size.to_bytes(32, "big")]
        return any(
            [bytes(t) for t in log["topics"]] == topics and bytes(log["data"]) == root_hash
            for log in receipt["logs"]
            if str(log["address"]).lower() == self.contract_address.lower()
        )

    def _receipt(self, tree_size: int, root_hash: bytes, receipt_or_log: Any) -> AnchorReceipt:
        return AnchorReceipt(
            tree_size=tree_size,
            root_hash=bytes(root_hash),
            chain_id=self.chain_id(),
            contract_address=self.contract_address,
            tx_hash=bytes(receipt_or_log["transactionHash"]),
            block_number=int(receipt_or_log["blockNumber"]),
        )

    def _find_anchor_log(self, tree_size: int, root_hash: bytes) -> AnchorReceipt | None:
        logs = self._w3.eth.get_logs(
            {
                "address": self.contract_address,
                "fromBlock": self._logs_from_block,
                "toBlock": "latest",
                "topics": ["0x" + ANCHORED_TOPIC, "0x" + tree_size.to_bytes(32, "big").hex()],
            }
        )
        for log in logs:
            if bytes(log["data"]) == root_hash:
                return self._receipt(tree_size, root_hash, log)
        return None

    def root_at(self, tree_size: int) -> bytes | None:
        """The root anchored for ``tree_size``, or ``None``."""
        with _mapped_errors():
            stored = bytes(self._contract().functions.root_at(tree_size).call())
        return None if stored == bytes(32) else stored

    def latest_tree_size(self) -> int:
        with _mapped_errors():
            return int(self._contract().functions.latest_tree_size().call())

    async def anchor_async(self, tree_size: int, root_hash: bytes) -> AnchorReceipt:
        return await asyncio.to_thread(self.anchor, tree_size, root_hash)


@contextmanager
def _mapped_errors() -> Iterator[None]:
    """Translate web3 / transport / eth-tester errors into the two errors callers handle."""
    try:
        yield
    except (AnchorRejected, ChainUnavailable):
        raise
    except _REVERTS as exc:
        raise AnchorRejected(str(exc)) from exc
    except _OUTAGES as exc:
        raise ChainUnavailable(f"{type(exc).__name__}: {exc}") from exc


def in_process_chain(funding_wei: int = 10**21, provider: Any = None) -> tuple[Web3, LocalAccount]:
    """A fresh in-process EVM (eth-tester + py-evm) and a new account funded on it.

    ``provider``: an ``EthereumTesterProvider`` (or subclass, e.g. one that simulates outages).
    """
    if provider is None:
        with restoring_recursion_limit():  # py-evm raises it on import
            from eth_tester import EthereumTester, PyEVMBackend  # only embedded mode and tests need these
            from web3 import EthereumTesterProvider

        provider = EthereumTesterProvider(EthereumTester(PyEVMBackend()))
    w3 = Web3(provider)
    account: LocalAccount = Account.create()
    tx_hash = w3.eth.send_transaction(
        {"from": w3.eth.accounts[0], "to": account.address, "value": Wei(funding_wei)}
    )
    w3.eth.wait_for_transaction_receipt(tx_hash)
    return w3, account


def local_anchor_client() -> AnchorClient:
    """Embedded mode: an in-process chain with a freshly deployed anchor contract."""
    w3, account = in_process_chain()
    client = AnchorClient(w3, account)
    client.deploy()
    return client
