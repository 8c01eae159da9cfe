from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.risk_band import RiskBand
from ..types import UNSET, AdditionalProperties, Unset

if TYPE_CHECKING:
    from ..models.signal_out import SignalOut


T = TypeVar("T", bound="AnomalyOut")


@_attrs_define
class AnomalyOut(AdditionalProperties["Any"]):
    """
    Attributes:
        transaction_id (UUID):
        farm_id (UUID):
        producer_id (UUID):
        buyer_id (UUID):
        crop (str):
        score (float):
        risk (RiskBand):
        reasons (list[str]):
        signals (list[SignalOut]):
        trade_created_at (datetime.datetime):
        scored_at (datetime.datetime):
        isolation_score (float | None | Unset):
    """

    transaction_id: UUID
    farm_id: UUID
    producer_id: UUID
    buyer_id: UUID
    crop: str
    score: float
    risk: RiskBand
    reasons: list[str]
    signals: list[SignalOut]
    trade_created_at: datetime.datetime
    scored_at: datetime.datetime
    isolation_score: float | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        transaction_id = str(self.transaction_id)

        farm_id = str(self.farm_id)

        producer_id = str(self.producer_id)

        buyer_id = str(self.buyer_id)

        crop = self.crop

        score = self.score

        risk = self.risk.value

        reasons = self.reasons

        signals = []
        for signals_item_data in self.signals:
            signals_item = signals_item_data.to_dict()
            signals.append(signals_item)

        trade_created_at = self.trade_created_at.isoformat()

        scored_at = self.scored_at.isoformat()

        isolation_score: float | None | Unset
        if isinstance(self.isolation_score, Unset):
            isolation_score = UNSET
        else:
            isolation_score = self.isolation_score

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "transaction_id": transaction_id,
                "farm_id": farm_id,
                "producer_id": producer_id,
                "buyer_id": buyer_id,
                "crop": crop,
                "score": score,
                "risk": risk,
                "reasons": reasons,
                "signals": signals,
                "trade_created_at": trade_created_at,
                "scored_at": scored_at,
            }
        )
        if isolation_score is not UNSET:
            field_dict["isolation_score"] = isolation_score

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.signal_out import SignalOut  # noqa: PLC0415

        d = dict(src_dict)
        transaction_id = UUID(d.pop("transaction_id"))

        farm_id = UUID(d.pop("farm_id"))

        producer_id = UUID(d.pop("producer_id"))

        buyer_id = UUID(d.pop("buyer_id"))

        crop = d.pop("crop")

        score = d.pop("score")

        risk = RiskBand(d.pop("risk"))

        reasons = cast(list[str], d.pop("reasons"))

        signals = []
        _signals = d.pop("signals")
        for signals_item_data in _signals:
            signals_item = SignalOut.from_dict(signals_item_data)

            signals.append(signals_item)

        trade_created_at = datetime.datetime.fromisoformat(d.pop("trade_created_at"))

        scored_at = datetime.datetime.fromisoformat(d.pop("scored_at"))

        def _parse_isolation_score(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        isolation_score = _parse_isolation_score(d.pop("isolation_score", UNSET))

        anomaly_out = cls(
            transaction_id=transaction_id,
            farm_id=farm_id,
            producer_id=producer_id,
            buyer_id=buyer_id,
            crop=crop,
            score=score,
            risk=risk,
            reasons=reasons,
            signals=signals,
            trade_created_at=trade_created_at,
            scored_at=scored_at,
            isolation_score=isolation_score,
        )

        anomaly_out.additional_properties = d
        return anomaly_out
