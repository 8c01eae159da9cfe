from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.certification import Certification
from ..models.crop import Crop
from ..models.region import Region
from ..types import UNSET, Unset

T = TypeVar("T", bound="FarmPatch")


@_attrs_define
class FarmPatch:
    """Fields to change; absent fields stay as they are. Only address and wallet_address
    may be cleared with null.

        Attributes:
            name (str | Unset):
            region (Region | Unset):
            latitude (float | Unset): WGS84 degrees north, within South Korea
            longitude (float | Unset): WGS84 degrees east, within South Korea
            address (None | str | Unset):
            size_ha (float | Unset): hectares, more than 0
            established (datetime.date | Unset): not in the future
            contact_phone (str | Unset):
            contact_email (str | Unset):
            certifications (list[Certification] | Unset):
            crops (list[Crop] | Unset): at least one
            wallet_address (None | str | Unset):
    """

    name: str | Unset = UNSET
    region: Region | Unset = UNSET
    latitude: float | Unset = UNSET
    longitude: float | Unset = UNSET
    address: None | str | Unset = UNSET
    size_ha: float | Unset = UNSET
    established: datetime.date | Unset = UNSET
    contact_phone: str | Unset = UNSET
    contact_email: str | Unset = UNSET
    certifications: list[Certification] | Unset = UNSET
    crops: list[Crop] | Unset = UNSET
    wallet_address: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        region: str | Unset = UNSET
        if not isinstance(self.region, Unset):
            region = self.region.value

        latitude = self.latitude

        longitude = self.longitude

        address: None | str | Unset
        if isinstance(self.address, Unset):
            address = UNSET
        else:
            address = self.address

        size_ha = self.size_ha

        established: str | Unset = UNSET
        if not isinstance(self.established, Unset):
            established = self.established.isoformat()

        contact_phone = self.contact_phone

        contact_email = self.contact_email

        certifications: list[str] | Unset = UNSET
        if not isinstance(self.certifications, Unset):
            certifications = []
            for certifications_item_data in self.certifications:
                certifications_item = certifications_item_data.value
                certifications.append(certifications_item)

        crops: list[str] | Unset = UNSET
        if not isinstance(self.crops, Unset):
            crops = []
            for crops_item_data in self.crops:
                crops_item = crops_item_data.value
                crops.append(crops_item)

        wallet_address: None | str | Unset
        if isinstance(self.wallet_address, Unset):
            wallet_address = UNSET
        else:
            wallet_address = self.wallet_address

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if name is not UNSET:
            field_dict["name"] = name
        if region is not UNSET:
            field_dict["region"] = region
        if latitude is not UNSET:
            field_dict["latitude"] = latitude
        if longitude is not UNSET:
            field_dict["longitude"] = longitude
        if address is not UNSET:
            field_dict["address"] = address
        if size_ha is not UNSET:
            field_dict["size_ha"] = size_ha
        if established is not UNSET:
            field_dict["established"] = established
        if contact_phone is not UNSET:
            field_dict["contact_phone"] = contact_phone
        if contact_email is not UNSET:
            field_dict["contact_email"] = contact_email
        if certifications is not UNSET:
            field_dict["certifications"] = certifications
        if crops is not UNSET:
            field_dict["crops"] = crops
        if wallet_address is not UNSET:
            field_dict["wallet_address"] = wallet_address

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name", UNSET)

        _region = d.pop("region", UNSET)
        region: Region | Unset
        if isinstance(_region, Unset):
            region = UNSET
        else:
            region = Region(_region)

        latitude = d.pop("latitude", UNSET)

        longitude = d.pop("longitude", UNSET)

        def _parse_address(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        address = _parse_address(d.pop("address", UNSET))

        size_ha = d.pop("size_ha", UNSET)

        _established = d.pop("established", UNSET)
        established: datetime.date | Unset
        if isinstance(_established, Unset):
            established = UNSET
        else:
            established = datetime.date.fromisoformat(_established)

        contact_phone = d.pop("contact_phone", UNSET)

        contact_email = d.pop("contact_email", UNSET)

        _certifications = d.pop("certifications", UNSET)
        certifications: list[Certification] | Unset = UNSET
        if _certifications is not UNSET:
            certifications = []
            for certifications_item_data in _certifications:
                certifications_item = Certification(certifications_item_data)

                certifications.append(certifications_item)

        _crops = d.pop("crops", UNSET)
        crops: list[Crop] | Unset = UNSET
        if _crops is not UNSET:
            crops = []
            for crops_item_data in _crops:
                crops_item = Crop(crops_item_data)

                crops.append(crops_item)

        def _parse_wallet_address(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        wallet_address = _parse_wallet_address(d.pop("wallet_address", UNSET))

        farm_patch = cls(
            name=name,
            region=region,
            latitude=latitude,
            longitude=longitude,
            address=address,
            size_ha=size_ha,
            established=established,
            contact_phone=contact_phone,
            contact_email=contact_email,
            certifications=certifications,
            crops=crops,
            wallet_address=wallet_address,
        )

        return farm_patch
