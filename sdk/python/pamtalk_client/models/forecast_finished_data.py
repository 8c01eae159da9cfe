from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.forecast_finished_data_status import ForecastFinishedDataStatus
from ..types import AdditionalProperties

T = TypeVar("T", bound="ForecastFinishedData")


@_attrs_define
class ForecastFinishedData(AdditionalProperties["Any"]):
    """
    Attributes:
        job_id (UUID):
        status (ForecastFinishedDataStatus):
        result_url (str):
    """

    job_id: UUID
    status: ForecastFinishedDataStatus
    result_url: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        job_id = str(self.job_id)

        status = self.status.value

        result_url = self.result_url

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "job_id": job_id,
                "status": status,
                "result_url": result_url,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        job_id = UUID(d.pop("job_id"))

        status = ForecastFinishedDataStatus(d.pop("status"))

        result_url = d.pop("result_url")

        forecast_finished_data = cls(
            job_id=job_id,
            status=status,
            result_url=result_url,
        )

        forecast_finished_data.additional_properties = d
        return forecast_finished_data
