from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import AdditionalProperties

T = TypeVar("T", bound="FarmContact")


@_attrs_define
class FarmContact(AdditionalProperties["Any"]):
    """Who runs a farm and how to reach them: for signed-in users only.

    Attributes:
        farm_id (UUID):
        owner_id (UUID):
        contact_phone (str):
        contact_email (str):
    """

    farm_id: UUID
    owner_id: UUID
    contact_phone: str
    contact_email: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        farm_id = str(self.farm_id)

        owner_id = str(self.owner_id)

        contact_phone = self.contact_phone

        contact_email = self.contact_email

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "farm_id": farm_id,
                "owner_id": owner_id,
                "contact_phone": contact_phone,
                "contact_email": contact_email,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        farm_id = UUID(d.pop("farm_id"))

        owner_id = UUID(d.pop("owner_id"))

        contact_phone = d.pop("contact_phone")

        contact_email = d.pop("contact_email")

        farm_contact = cls(
            farm_id=farm_id,
            owner_id=owner_id,
            contact_phone=contact_phone,
            contact_email=contact_email,
        )

        farm_contact.additional_properties = d
        return farm_contact
