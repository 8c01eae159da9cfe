from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.role import Role
from ..models.user_out_language import UserOutLanguage
from ..types import UNSET, AdditionalProperties, Unset

T = TypeVar("T", bound="UserOut")


@_attrs_define
class UserOut(AdditionalProperties["Any"]):
    """
    Attributes:
        id (UUID):
        email (str):
        display_name (str):
        role (Role):
        language (UserOutLanguage):
        created_at (datetime.datetime):
        phone (None | str | Unset):
        wallet_address (None | str | Unset):
    """

    id: UUID
    email: str
    display_name: str
    role: Role
    language: UserOutLanguage
    created_at: datetime.datetime
    phone: None | str | Unset = UNSET
    wallet_address: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        email = self.email

        display_name = self.display_name

        role = self.role.value

        language = self.language.value

        created_at = self.created_at.isoformat()

        phone: None | str | Unset
        if isinstance(self.phone, Unset):
            phone = UNSET
        else:
            phone = self.phone

        wallet_address: None | str | Unset
        if isinstance(self.wallet_address, Unset):
            wallet_address = UNSET
        else:
            wallet_address = self.wallet_address

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "email": email,
                "display_name": display_name,
                "role": role,
                "language": language,
                "created_at": created_at,
            }
        )
        if phone is not UNSET:
            field_dict["phone"] = phone
        if wallet_address is not UNSET:
            field_dict["wallet_address"] = wallet_address

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        email = d.pop("email")

        display_name = d.pop("display_name")

        role = Role(d.pop("role"))

        language = UserOutLanguage(d.pop("language"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_phone(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        phone = _parse_phone(d.pop("phone", UNSET))

        def _parse_wallet_address(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        wallet_address = _parse_wallet_address(d.pop("wallet_address", UNSET))

        user_out = cls(
            id=id,
            email=email,
            display_name=display_name,
            role=role,
            language=language,
            created_at=created_at,
            phone=phone,
            wallet_address=wallet_address,
        )

        user_out.additional_properties = d
        return user_out
