"""The ledger itself, pure: RFC 6962 hashing and proofs (``merkle``, ``tree``), entries and
their canonical bytes (``entry``), signed tree heads (``tree_head``), anchors and their
on-chain check (``anchor``), verification bundles (``bundle``) and the verifier's command
line (``verify``). It reaches no database, framework or chain library (a contract checks it):
partners copy this folder and run ``python -m services.blockchain.ledger.verify``."""
