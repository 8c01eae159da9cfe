from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.job_accepted_status import JobAcceptedStatus
from ..types import AdditionalProperties

T = TypeVar("T", bound="JobAccepted")


@_attrs_define
class JobAccepted(AdditionalProperties["Any"]):
    """
    Attributes:
        id (UUID):
        status (JobAcceptedStatus):
        url (str):
    """

    id: UUID
    status: JobAcceptedStatus
    url: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        status = self.status.value

        url = self.url

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "status": status,
                "url": url,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        status = JobAcceptedStatus(d.pop("status"))

        url = d.pop("url")

        job_accepted = cls(
            id=id,
            status=status,
            url=url,
        )

        job_accepted.additional_properties = d
        return job_accepted
