"""The ``blockchain_transactions`` consumer: settled trades and ESG assessments become ledger
entries, and a settled trade mints the producer's reward.

Exactly once: the inbox records each event id in the same transaction as the entries its
effect appends (the kit's ``handle_once``), and every entry has a unique reference
(``trade:<id>``, ``trade:<id>:reward``, ``esg:<id>``), so a trade published twice under
different event ids is still recorded once.

* ``transaction.settled`` -> a ``trade_settled`` entry, then a ``token_minted`` entry of
  ``(value // 1000) x (1 + producer ESG / 100)`` DC (DOMAIN.md; no ESG score counts as 0,
  a reward below one micro-DC mints nothing). The reward goes to the trade's producer wallet
  if it names one that is new or already the producer's, else to the producer's custodial
  wallet ``user:<producer_id>``.
* ``esg.scored`` -> an ``esg_assessed`` entry recording the assessment and its ESG-GOLD
  estimate. It mints nothing: a committee member approves the reward
  (``POST /api/v1/ledger/esg-assessments/{id}/approval``), which mints the estimate then.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from pamtalk.bus.base import Handler
from pamtalk.db.inbox import Effects, handle_once
from pamtalk.db.tx import Read, Tx
from pamtalk.events.catalogue import EsgScored, TransactionSettled
from pamtalk.events.envelope import Envelope
from pamtalk.runtime import Runtime, service_state
from services.blockchain.append import LedgerWriter
from services.blockchain.ledger.entry import EntryKind
from services.blockchain.state import BlockchainState
from services.blockchain.store import assessments
from services.blockchain.store.ledger import reference_index
from services.blockchain.tokens import movements, wallets
from services.blockchain.tokens.rules import MICRO_PER_DC, trade_reward_micro

QUEUE = "blockchain_transactions"
CONSUMER = "blockchain"  # the inbox's name for this consumer (its handled event ids)


def decimal_text(value: float | Decimal | None) -> str | None:
    """A number as a plain decimal string (the ledger holds no floats)."""
    if value is None:
        return None
    number = value if isinstance(value, Decimal) else Decimal(repr(value))
    return format(number, "f")


async def reward_wallet(read: Read, producer_wallet: str | None, producer_id: uuid.UUID) -> str:
    address = wallets.normalise(producer_wallet) if producer_wallet else None
    if address is None or not address.startswith("0x"):
        return wallets.custodial(producer_id)
    existing = await wallets.find(read, address)
    if existing is None or existing.owner_id == producer_id:
        return address
    return wallets.custodial(producer_id)


async def record_trade(writer: LedgerWriter, event: TransactionSettled) -> None:
    reference = f"trade:{event.transaction_id}"
    if await reference_index(writer.tx, reference) is not None:
        return  # recorded before, under another event id
    esg = min(Decimal(100), max(Decimal(0), Decimal(repr(event.producer_esg_score or 0.0))))
    reward = trade_reward_micro(max(event.total_value, Decimal(0)), esg)
    payload: dict[str, Any] = {
        "trade_id": str(event.transaction_id),
        "farm_id": str(event.farm_id),
        "producer_id": str(event.producer_id),
        "buyer_id": str(event.buyer_id),
        "crop": event.crop,
        "quantity": decimal_text(event.quantity),
        "unit_price_krw": decimal_text(event.unit_price),
        "value_krw": decimal_text(event.total_value),
        "quality_score": decimal_text(event.quality_score),
        "producer_esg_score": decimal_text(event.producer_esg_score),
        "settled_at": event.occurred_at.isoformat(),
        "reward_micro": reward,
    }
    entry = await writer.append(EntryKind.TRADE_SETTLED, reference, payload)
    if reward <= 0:
        return
    wallet = await reward_wallet(writer.tx, event.producer_wallet, event.producer_id)
    await movements.mint(
        writer,
        wallet,
        event.producer_id,
        reward,
        reason="trade_reward",
        reference=f"{reference}:reward",
        details={"trade_id": str(event.transaction_id), "trade_entry": entry.index},
    )


async def record_assessment(writer: LedgerWriter, event: EsgScored) -> None:
    reference = f"esg:{event.assessment_id}"
    if await reference_index(writer.tx, reference) is not None:
        return
    estimate = max(0, event.token_estimate)
    payload = {
        "assessment_id": str(event.assessment_id),
        "submission_id": str(event.submission_id),
        "farm_id": str(event.farm_id),
        "owner_id": str(event.owner_id),
        "environmental": decimal_text(event.environmental),
        "social": decimal_text(event.social),
        "governance": decimal_text(event.governance),
        "overall": decimal_text(event.overall),
        "grade": event.grade,
        "token_estimate_micro": estimate * MICRO_PER_DC,
        "valid_until": event.valid_until.isoformat(),
    }
    entry = await writer.append(EntryKind.ESG_ASSESSED, reference, payload)
    await assessments.insert(
        writer.tx, event.assessment_id, event.farm_id, event.owner_id, event.grade, estimate, entry.index
    )


def blockchain_consumer(runtime: Runtime) -> Handler:
    state = service_state(runtime, BlockchainState)

    async def on_settled(tx: Tx, event: TransactionSettled, envelope: Envelope) -> None:
        writer = await state.ledger_writer(tx)
        await record_trade(writer, event)
        await writer.close()

    async def on_scored(tx: Tx, event: EsgScored, envelope: Envelope) -> None:
        writer = await state.ledger_writer(tx)
        await record_assessment(writer, event)
        await writer.close()

    effects = Effects().on(TransactionSettled, on_settled).on(EsgScored, on_scored)
    return handle_once(runtime.db, CONSUMER, effects)
