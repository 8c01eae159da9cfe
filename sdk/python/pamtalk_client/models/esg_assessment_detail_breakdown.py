from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import AdditionalProperties

if TYPE_CHECKING:
    from ..models.esg_item_out import EsgItemOut


T = TypeVar("T", bound="EsgAssessmentDetailBreakdown")


@_attrs_define
class EsgAssessmentDetailBreakdown(AdditionalProperties["list[EsgItemOut]"]):
    """environmental, social, governance"""

    additional_properties: dict[str, list[EsgItemOut]] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:

        field_dict: dict[str, Any] = {}
        for prop_name, prop in self.additional_properties.items():
            field_dict[prop_name] = []
            for additional_property_item_data in prop:
                additional_property_item = additional_property_item_data.to_dict()
                field_dict[prop_name].append(additional_property_item)

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.esg_item_out import EsgItemOut  # noqa: PLC0415

        d = dict(src_dict)
        esg_assessment_detail_breakdown = cls()

        additional_properties = {}
        for prop_name, prop_dict in d.items():
            additional_property = []
            _additional_property = prop_dict
            for additional_property_item_data in _additional_property:
                additional_property_item = EsgItemOut.from_dict(additional_property_item_data)

                additional_property.append(additional_property_item)

            additional_properties[prop_name] = additional_property

        esg_assessment_detail_breakdown.additional_properties = additional_properties
        return esg_assessment_detail_breakdown
