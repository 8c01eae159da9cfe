from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import AdditionalProperties

T = TypeVar("T", bound="EsgItemOut")


@_attrs_define
class EsgItemOut(AdditionalProperties["Any"]):
    """
    Attributes:
        name (str):
        value (Any): the submitted value behind the item
        score (float): 0-100
        weight (int): weight in its part, %
        contribution (float): score x weight / 100: points of the part
    """

    name: str
    value: Any
    score: float
    weight: int
    contribution: float
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        value = self.value

        score = self.score

        weight = self.weight

        contribution = self.contribution

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
                "value": value,
                "score": score,
                "weight": weight,
                "contribution": contribution,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name")

        value = d.pop("value")

        score = d.pop("score")

        weight = d.pop("weight")

        contribution = d.pop("contribution")

        esg_item_out = cls(
            name=name,
            value=value,
            score=score,
            weight=weight,
            contribution=contribution,
        )

        esg_item_out.additional_properties = d
        return esg_item_out
