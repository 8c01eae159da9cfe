from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import AdditionalProperties

if TYPE_CHECKING:
    from ..models.ledger_key_out import LedgerKeyOut


T = TypeVar("T", bound="PublicKeysOut")


@_attrs_define
class PublicKeysOut(AdditionalProperties["Any"]):
    """
    Attributes:
        items (list[LedgerKeyOut]):
    """

    items: list[LedgerKeyOut]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        items = []
        for items_item_data in self.items:
            items_item = items_item_data.to_dict()
            items.append(items_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "items": items,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.ledger_key_out import LedgerKeyOut  # noqa: PLC0415

        d = dict(src_dict)
        items = []
        _items = d.pop("items")
        for items_item_data in _items:
            items_item = LedgerKeyOut.from_dict(items_item_data)

            items.append(items_item)

        public_keys_out = cls(
            items=items,
        )

        public_keys_out.additional_properties = d
        return public_keys_out
