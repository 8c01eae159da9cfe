from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.certification import Certification
from ..models.crop import Crop
from ..models.region import Region
from ..types import UNSET, Unset

T = TypeVar("T", bound="FarmIn")


@_attrs_define
class FarmIn:
    """A new farm; its owner is the caller.

    Attributes:
        name (str):
        region (Region):
        latitude (float): WGS84 degrees north, within South Korea
        longitude (float): WGS84 degrees east, within South Korea
        size_ha (float): hectares, more than 0
        established (datetime.date): not in the future
        contact_phone (str):
        contact_email (str):
        crops (list[Crop]): at least one
        address (None | str | Unset):
        certifications (list[Certification] | Unset):
        wallet_address (None | str | Unset):
    """

    name: str
    region: Region
    latitude: float
    longitude: float
    size_ha: float
    established: datetime.date
    contact_phone: str
    contact_email: str
    crops: list[Crop]
    address: None | str | Unset = UNSET
    certifications: list[Certification] | Unset = UNSET
    wallet_address: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        region = self.region.value

        latitude = self.latitude

        longitude = self.longitude

        size_ha = self.size_ha

        established = self.established.isoformat()

        contact_phone = self.contact_phone

        contact_email = self.contact_email

        crops = []
        for crops_item_data in self.crops:
            crops_item = crops_item_data.value
            crops.append(crops_item)

        address: None | str | Unset
        if isinstance(self.address, Unset):
            address = UNSET
        else:
            address = self.address

        certifications: list[str] | Unset = UNSET
        if not isinstance(self.certifications, Unset):
            certifications = []
            for certifications_item_data in self.certifications:
                certifications_item = certifications_item_data.value
                certifications.append(certifications_item)

        wallet_address: None | str | Unset
        if isinstance(self.wallet_address, Unset):
            wallet_address = UNSET
        else:
            wallet_address = self.wallet_address

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "name": name,
                "region": region,
                "latitude": latitude,
                "longitude": longitude,
                "size_ha": size_ha,
                "established": established,
                "contact_phone": contact_phone,
                "contact_email": contact_email,
                "crops": crops,
            }
        )
        if address is not UNSET:
            field_dict["address"] = address
        if certifications is not UNSET:
            field_dict["certifications"] = certifications
        if wallet_address is not UNSET:
            field_dict["wallet_address"] = wallet_address

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name")

        region = Region(d.pop("region"))

        latitude = d.pop("latitude")

        longitude = d.pop("longitude")

        size_ha = d.pop("size_ha")

        established = datetime.date.fromisoformat(d.pop("established"))

        contact_phone = d.pop("contact_phone")

        contact_email = d.pop("contact_email")

        crops = []
        _crops = d.pop("crops")
        for crops_item_data in _crops:
            crops_item = Crop(crops_item_data)

            crops.append(crops_item)

        def _parse_address(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        address = _parse_address(d.pop("address", UNSET))

        _certifications = d.pop("certifications", UNSET)
        certifications: list[Certification] | Unset = UNSET
        if _certifications is not UNSET:
            certifications = []
            for certifications_item_data in _certifications:
                certifications_item = Certification(certifications_item_data)

                certifications.append(certifications_item)

        def _parse_wallet_address(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        wallet_address = _parse_wallet_address(d.pop("wallet_address", UNSET))

        farm_in = cls(
            name=name,
            region=region,
            latitude=latitude,
            longitude=longitude,
            size_ha=size_ha,
            established=established,
            contact_phone=contact_phone,
            contact_email=contact_email,
            crops=crops,
            address=address,
            certifications=certifications,
            wallet_address=wallet_address,
        )

        return farm_in
