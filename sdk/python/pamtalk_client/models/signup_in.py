from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.role import Role
from ..models.signup_in_language import SignupInLanguage
from ..types import UNSET, Unset

T = TypeVar("T", bound="SignupIn")


@_attrs_define
class SignupIn:
    """
    Attributes:
        email (str):
        password (str): 10 to 128 characters
        display_name (str):
        role (Role):
        language (SignupInLanguage | Unset):  Default: SignupInLanguage.KO.
        phone (None | str | Unset):
    """

    email: str
    password: str
    display_name: str
    role: Role
    language: SignupInLanguage | Unset = SignupInLanguage.KO
    phone: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        email = self.email

        password = self.password

        display_name = self.display_name

        role = self.role.value

        language: str | Unset = UNSET
        if not isinstance(self.language, Unset):
            language = self.language.value

        phone: None | str | Unset
        if isinstance(self.phone, Unset):
            phone = UNSET
        else:
            phone = self.phone

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "email": email,
                "password": password,
                "display_name": display_name,
                "role": role,
            }
        )
        if language is not UNSET:
            field_dict["language"] = language
        if phone is not UNSET:
            field_dict["phone"] = phone

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        email = d.pop("email")

        password = d.pop("password")

        display_name = d.pop("display_name")

        role = Role(d.pop("role"))

        _language = d.pop("language", UNSET)
        language: SignupInLanguage | Unset
        if isinstance(_language, Unset):
            language = UNSET
        else:
            language = SignupInLanguage(_language)

        def _parse_phone(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        phone = _parse_phone(d.pop("phone", UNSET))

        signup_in = cls(
            email=email,
            password=password,
            display_name=display_name,
            role=role,
            language=language,
            phone=phone,
        )

        return signup_in
