from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import AdditionalProperties

if TYPE_CHECKING:
    from ..models.wallet_out import WalletOut


T = TypeVar("T", bound="MyWalletsOut")


@_attrs_define
class MyWalletsOut(AdditionalProperties["Any"]):
    """
    Attributes:
        owner_id (UUID):
        total_micro (int):
        wallets (list[WalletOut]):
    """

    owner_id: UUID
    total_micro: int
    wallets: list[WalletOut]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        owner_id = str(self.owner_id)

        total_micro = self.total_micro

        wallets = []
        for wallets_item_data in self.wallets:
            wallets_item = wallets_item_data.to_dict()
            wallets.append(wallets_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "owner_id": owner_id,
                "total_micro": total_micro,
                "wallets": wallets,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.wallet_out import WalletOut  # noqa: PLC0415

        d = dict(src_dict)
        owner_id = UUID(d.pop("owner_id"))

        total_micro = d.pop("total_micro")

        wallets = []
        _wallets = d.pop("wallets")
        for wallets_item_data in _wallets:
            wallets_item = WalletOut.from_dict(wallets_item_data)

            wallets.append(wallets_item)

        my_wallets_out = cls(
            owner_id=owner_id,
            total_micro=total_micro,
            wallets=wallets,
        )

        my_wallets_out.additional_properties = d
        return my_wallets_out
