from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import AdditionalProperties

T = TypeVar("T", bound="CropTotals")


@_attrs_define
class CropTotals(AdditionalProperties["Any"]):
    """
    Attributes:
        count (int):
        value (str):
        crop (str):
    """

    count: int
    value: str
    crop: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        count = self.count

        value = self.value

        crop = self.crop

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "count": count,
                "value": value,
                "crop": crop,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        count = d.pop("count")

        value = d.pop("value")

        crop = d.pop("crop")

        crop_totals = cls(
            count=count,
            value=value,
            crop=crop,
        )

        crop_totals.additional_properties = d
        return crop_totals
