from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import AdditionalProperties

T = TypeVar("T", bound="ReviewFlag")


@_attrs_define
class ReviewFlag(AdditionalProperties["Any"]):
    """
    Attributes:
        score (float):
        risk_band (str):
        reasons (list[str]):
        flagged_at (datetime.datetime):
    """

    score: float
    risk_band: str
    reasons: list[str]
    flagged_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        score = self.score

        risk_band = self.risk_band

        reasons = self.reasons

        flagged_at = self.flagged_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "score": score,
                "risk_band": risk_band,
                "reasons": reasons,
                "flagged_at": flagged_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        score = d.pop("score")

        risk_band = d.pop("risk_band")

        reasons = cast(list[str], d.pop("reasons"))

        flagged_at = datetime.datetime.fromisoformat(d.pop("flagged_at"))

        review_flag = cls(
            score=score,
            risk_band=risk_band,
            reasons=reasons,
            flagged_at=flagged_at,
        )

        review_flag.additional_properties = d
        return review_flag
