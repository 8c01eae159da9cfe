from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, AdditionalProperties, Unset

T = TypeVar("T", bound="FieldError")


@_attrs_define
class FieldError(AdditionalProperties["Any"]):
    """One invalid input: where it is, and what is wrong with it.

    Attributes:
        field (str): dotted path of the field, e.g. esg.water_usage
        in_ (str): body, query, path or header
        message (str):
        code (str | Unset): a stable machine-readable reason
    """

    field: str
    in_: str
    message: str
    code: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        field = self.field

        in_ = self.in_

        message = self.message

        code = self.code

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "field": field,
                "in": in_,
                "message": message,
            }
        )
        if code is not UNSET:
            field_dict["code"] = code

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        field = d.pop("field")

        in_ = d.pop("in")

        message = d.pop("message")

        code = d.pop("code", UNSET)

        field_error = cls(
            field=field,
            in_=in_,
            message=message,
            code=code,
        )

        field_error.additional_properties = d
        return field_error
