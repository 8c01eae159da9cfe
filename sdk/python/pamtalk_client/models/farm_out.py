from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.certification import Certification
from ..models.crop import Crop
from ..models.farm_status import FarmStatus
from ..models.grade import Grade
from ..models.region import Region
from ..types import UNSET, AdditionalProperties, Unset

T = TypeVar("T", bound="FarmOut")


@_attrs_define
class FarmOut(AdditionalProperties["Any"]):
    """
    Attributes:
        id (UUID):
        owner_id (None | UUID): personal data: null in public answers (GET /farms/{id}/contact for signed-in users)
        name (str):
        region (Region):
        latitude (float):
        longitude (float):
        size_ha (float):
        established (datetime.date):
        contact_phone (None | str): personal data: null in public answers (GET /farms/{id}/contact for signed-in users)
        contact_email (None | str): personal data: null in public answers (GET /farms/{id}/contact for signed-in users)
        certifications (list[Certification]):
        crops (list[Crop]):
        status (FarmStatus):
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
        version (int): Bumped by every change; the ETag is built from it
        address (None | str | Unset):
        wallet_address (None | str | Unset):
        esg_score (float | None | Unset):
        esg_grade (Grade | None | Unset):
        esg_assessed_at (datetime.datetime | None | Unset):
        esg_valid_until (datetime.date | None | Unset):
        distance_km (float | None | Unset): Only in 'near' searches
    """

    id: UUID
    owner_id: None | UUID
    name: str
    region: Region
    latitude: float
    longitude: float
    size_ha: float
    established: datetime.date
    contact_phone: None | str
    contact_email: None | str
    certifications: list[Certification]
    crops: list[Crop]
    status: FarmStatus
    created_at: datetime.datetime
    updated_at: datetime.datetime
    version: int
    address: None | str | Unset = UNSET
    wallet_address: None | str | Unset = UNSET
    esg_score: float | None | Unset = UNSET
    esg_grade: Grade | None | Unset = UNSET
    esg_assessed_at: datetime.datetime | None | Unset = UNSET
    esg_valid_until: datetime.date | None | Unset = UNSET
    distance_km: float | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        owner_id: None | str
        if isinstance(self.owner_id, UUID):
            owner_id = str(self.owner_id)
        else:
            owner_id = self.owner_id

        name = self.name

        region = self.region.value

        latitude = self.latitude

        longitude = self.longitude

        size_ha = self.size_ha

        established = self.established.isoformat()

        contact_phone: None | str
        contact_phone = self.contact_phone

        contact_email: None | str
        contact_email = self.contact_email

        certifications = []
        for certifications_item_data in self.certifications:
            certifications_item = certifications_item_data.value
            certifications.append(certifications_item)

        crops = []
        for crops_item_data in self.crops:
            crops_item = crops_item_data.value
            crops.append(crops_item)

        status = self.status.value

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        version = self.version

        address: None | str | Unset
        if isinstance(self.address, Unset):
            address = UNSET
        else:
            address = self.address

        wallet_address: None | str | Unset
        if isinstance(self.wallet_address, Unset):
            wallet_address = UNSET
        else:
            wallet_address = self.wallet_address

        esg_score: float | None | Unset
        if isinstance(self.esg_score, Unset):
            esg_score = UNSET
        else:
            esg_score = self.esg_score

        esg_grade: None | str | Unset
        if isinstance(self.esg_grade, Unset):
            esg_grade = UNSET
        elif isinstance(self.esg_grade, Grade):
            esg_grade = self.esg_grade.value
        else:
            esg_grade = self.esg_grade

        esg_assessed_at: None | str | Unset
        if isinstance(self.esg_assessed_at, Unset):
            esg_assessed_at = UNSET
        elif isinstance(self.esg_assessed_at, datetime.datetime):
            esg_assessed_at = self.esg_assessed_at.isoformat()
        else:
            esg_assessed_at = self.esg_assessed_at

        esg_valid_until: None | str | Unset
        if isinstance(self.esg_valid_until, Unset):
            esg_valid_until = UNSET
        elif isinstance(self.esg_valid_until, datetime.date):
            esg_valid_until = self.esg_valid_until.isoformat()
        else:
            esg_valid_until = self.esg_valid_until

        distance_km: float | None | Unset
        if isinstance(self.distance_km, Unset):
            distance_km = UNSET
        else:
            distance_km = self.distance_km

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "owner_id": owner_id,
                "name": name,
                "region": region,
                "latitude": latitude,
                "longitude": longitude,
                "size_ha": size_ha,
                "established": established,
                "contact_phone": contact_phone,
                "contact_email": contact_email,
                "certifications": certifications,
                "crops": crops,
                "status": status,
                "created_at": created_at,
                "updated_at": updated_at,
                "version": version,
            }
        )
        if address is not UNSET:
            field_dict["address"] = address
        if wallet_address is not UNSET:
            field_dict["wallet_address"] = wallet_address
        if esg_score is not UNSET:
            field_dict["esg_score"] = esg_score
        if esg_grade is not UNSET:
            field_dict["esg_grade"] = esg_grade
        if esg_assessed_at is not UNSET:
            field_dict["esg_assessed_at"] = esg_assessed_at
        if esg_valid_until is not UNSET:
            field_dict["esg_valid_until"] = esg_valid_until
        if distance_km is not UNSET:
            field_dict["distance_km"] = distance_km

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        def _parse_owner_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                owner_id_type_0 = UUID(data)

                return owner_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        owner_id = _parse_owner_id(d.pop("owner_id"))

        name = d.pop("name")

        region = Region(d.pop("region"))

        latitude = d.pop("latitude")

        longitude = d.pop("longitude")

        size_ha = d.pop("size_ha")

        established = datetime.date.fromisoformat(d.pop("established"))

        def _parse_contact_phone(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        contact_phone = _parse_contact_phone(d.pop("contact_phone"))

        def _parse_contact_email(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        contact_email = _parse_contact_email(d.pop("contact_email"))

        certifications = []
        _certifications = d.pop("certifications")
        for certifications_item_data in _certifications:
            certifications_item = Certification(certifications_item_data)

            certifications.append(certifications_item)

        crops = []
        _crops = d.pop("crops")
        for crops_item_data in _crops:
            crops_item = Crop(crops_item_data)

            crops.append(crops_item)

        status = FarmStatus(d.pop("status"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        version = d.pop("version")

        def _parse_address(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        address = _parse_address(d.pop("address", UNSET))

        def _parse_wallet_address(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        wallet_address = _parse_wallet_address(d.pop("wallet_address", UNSET))

        def _parse_esg_score(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        esg_score = _parse_esg_score(d.pop("esg_score", UNSET))

        def _parse_esg_grade(data: object) -> Grade | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                esg_grade_type_0 = Grade(data)

                return esg_grade_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Grade | None | Unset, data)

        esg_grade = _parse_esg_grade(d.pop("esg_grade", UNSET))

        def _parse_esg_assessed_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                esg_assessed_at_type_0 = datetime.datetime.fromisoformat(data)

                return esg_assessed_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        esg_assessed_at = _parse_esg_assessed_at(d.pop("esg_assessed_at", UNSET))

        def _parse_esg_valid_until(data: object) -> datetime.date | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                esg_valid_until_type_0 = datetime.date.fromisoformat(data)

                return esg_valid_until_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None | Unset, data)

        esg_valid_until = _parse_esg_valid_until(d.pop("esg_valid_until", UNSET))

        def _parse_distance_km(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        distance_km = _parse_distance_km(d.pop("distance_km", UNSET))

        farm_out = cls(
            id=id,
            owner_id=owner_id,
            name=name,
            region=region,
            latitude=latitude,
            longitude=longitude,
            size_ha=size_ha,
            established=established,
            contact_phone=contact_phone,
            contact_email=contact_email,
            certifications=certifications,
            crops=crops,
            status=status,
            created_at=created_at,
            updated_at=updated_at,
            version=version,
            address=address,
            wallet_address=wallet_address,
            esg_score=esg_score,
            esg_grade=esg_grade,
            esg_assessed_at=esg_assessed_at,
            esg_valid_until=esg_valid_until,
            distance_km=distance_km,
        )

        farm_out.additional_properties = d
        return farm_out
