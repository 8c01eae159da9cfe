from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import AdditionalProperties

T = TypeVar("T", bound="CertificationTerm")


@_attrs_define
class CertificationTerm(AdditionalProperties["Any"]):
    """
    Attributes:
        code (str):
        name (str):
        name_ko (str):
        esg_points (int): Points toward the governance part of the ESG score
    """

    code: str
    name: str
    name_ko: str
    esg_points: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        code = self.code

        name = self.name

        name_ko = self.name_ko

        esg_points = self.esg_points

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "code": code,
                "name": name,
                "name_ko": name_ko,
                "esg_points": esg_points,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        code = d.pop("code")

        name = d.pop("name")

        name_ko = d.pop("name_ko")

        esg_points = d.pop("esg_points")

        certification_term = cls(
            code=code,
            name=name,
            name_ko=name_ko,
            esg_points=esg_points,
        )

        certification_term.additional_properties = d
        return certification_term
