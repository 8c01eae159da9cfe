"""Anchoring the ledger on an Ethereum-compatible chain: the chain client (``chain``), the
in-process chain's read-only JSON-RPC (``chain_rpc``), when to anchor (``policy``) and the
task that does it (``loop``)."""
