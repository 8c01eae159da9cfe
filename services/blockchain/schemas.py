"""Request and response bodies of the blockchain API.

Amounts are integers of micro-DC (1 DC = 1,000,000); hashes are 64 hex digits; signatures
and raw keys base64, exactly as in the verifier's bundle format."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, StrictInt

from pamtalk.bodies import RequestBody

MAX_MICRO = 10**30
# A wallet address as the API takes it (any case; ``tokens.wallets.normalise`` spells it).
ADDRESS_PATTERN = r"^(0[xX][0-9a-fA-F]{40}|user:[0-9a-fA-F-]{36}|treasury:pamtalk)$"


class PublicKeyOut(BaseModel):
    algorithm: str = "Ed25519"
    key_id: str = Field(description="SHA-256 of the 32 raw key bytes, hex: the fingerprint to pin")
    pem: str = Field(description="SubjectPublicKeyInfo PEM")
    raw_base64: str


class LedgerKeyOut(PublicKeyOut):
    current: bool = Field(description="signs new tree heads (else an earlier key, kept for old heads)")


class PublicKeysOut(BaseModel):
    items: list[LedgerKeyOut]


class TreeHeadOut(BaseModel):
    """A signed tree head, exactly as the verifier's bundle holds it."""

    tree_size: int
    timestamp: int = Field(description="milliseconds since the Unix epoch (UTC)")
    root_hash: str
    signature: str


class EntryObject(BaseModel):
    """A ledger entry; its canonical JSON is the Merkle leaf (docs/ledger-verification.md)."""

    model_config = ConfigDict(populate_by_name=True)
    v: int
    kind: str
    index: int
    timestamp: int
    reference: str
    payload: dict[str, Any]


class InclusionProofOut(BaseModel):
    leaf_index: int
    tree_size: int
    hashes: list[str]


class EntryOut(BaseModel):
    entry: EntryObject
    leaf_hash: str


class EntryWithProofOut(EntryOut):
    inclusion_proof: InclusionProofOut
    tree_head: TreeHeadOut


class AnchorInBundle(BaseModel):
    tree_size: int
    root_hash: str
    chain_id: int
    contract_address: str
    tx_hash: str
    block_number: int
    consistency_proof: list[str]


class BundleOut(BaseModel):
    """What ``python -m services.blockchain.verify`` reads (``anchor`` only once anchored)."""

    entry: EntryObject
    inclusion_proof: InclusionProofOut
    tree_head: TreeHeadOut
    public_key: str = Field(description="PEM of the key that signed tree_head")
    key_id: str = Field(description="the id of that key (SHA-256 of its raw bytes, hex)")
    anchor: AnchorInBundle | None = None


class ConsistencyOut(BaseModel):
    first: int
    second: int
    hashes: list[str]


class AnchorOut(BaseModel):
    tree_size: int
    root_hash: str
    chain_id: int
    contract_address: str
    tx_hash: str
    block_number: int
    anchored_at: datetime


class ChainOut(BaseModel):
    anchoring: bool
    mode: str = Field(description="'in-process' (embedded/tests), 'json-rpc' or 'off'")
    contract_address: str | None = None
    chain_id: int | None = None
    rpc_path: str | None = Field(default=None, description="read-only JSON-RPC of the in-process chain")


class RpcRequest(RequestBody):
    jsonrpc: str = "2.0"
    id: int | str | None = None
    method: str = Field(max_length=64)
    params: list[Any] = Field(default_factory=list, max_length=8)


class RpcResponse(BaseModel):
    jsonrpc: str = "2.0"
    id: int | str | None = None
    result: Any = None
    error: dict[str, Any] | None = None


class WalletOut(BaseModel):
    address: str
    kind: str = Field(description="external (0x...), custodial (user:<id>) or treasury")
    balance_micro: int
    balance_dc: str


class MyWalletsOut(BaseModel):
    owner_id: uuid.UUID
    total_micro: int
    wallets: list[WalletOut]


class MovementOut(BaseModel):
    id: int
    wallet: str
    ledger_index: int
    kind: str = Field(description="minted, sent, received or burned")
    amount_micro: int = Field(description="signed change of the balance")
    balance_after_micro: int
    counterparty: str | None
    reason: str
    reference: str
    at: datetime


class SupplyOut(BaseModel):
    minted_micro: int
    burned_micro: int
    circulating_micro: int = Field(description="sum of all balances = minted - burned")


class TransferIn(RequestBody):
    to: str = Field(pattern=ADDRESS_PATTERN, description="the receiving wallet")
    amount_micro: StrictInt = Field(gt=0, le=MAX_MICRO)


class TransferOut(BaseModel):
    ledger_index: int
    reference: str
    from_wallet: str
    to_wallet: str
    amount_micro: int
    balance_micro: int


class RedeemIn(RequestBody):
    amount_micro: StrictInt = Field(gt=0, le=MAX_MICRO, description="whole DC only (1 DC = 1 KRW)")
    purchase_krw: StrictInt = Field(gt=0, le=MAX_MICRO, description="the purchase the discount is for")


class RedemptionOut(BaseModel):
    redemption_id: uuid.UUID
    wallet: str
    redeemed_micro: int
    burned_micro: int
    credited_micro: int
    discount_krw: int
    burn_index: int
    credit_index: int
    redeemed_today_micro: int
    balance_micro: int


class EsgRewardOut(BaseModel):
    assessment_id: uuid.UUID
    wallet: str
    amount_micro: int
    ledger_index: int | None
    approved_by: uuid.UUID
