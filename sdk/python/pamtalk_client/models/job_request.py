from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import AdditionalProperties

T = TypeVar("T", bound="JobRequest")


@_attrs_define
class JobRequest(AdditionalProperties["Any"]):
    """
    Attributes:
        crops (list[str]):
        regions (list[str]):
        days (int):
        start (datetime.date):
    """

    crops: list[str]
    regions: list[str]
    days: int
    start: datetime.date
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        crops = self.crops

        regions = self.regions

        days = self.days

        start = self.start.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "crops": crops,
                "regions": regions,
                "days": days,
                "start": start,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        crops = cast(list[str], d.pop("crops"))

        regions = cast(list[str], d.pop("regions"))

        days = d.pop("days")

        start = datetime.date.fromisoformat(d.pop("start"))

        job_request = cls(
            crops=crops,
            regions=regions,
            days=days,
            start=start,
        )

        job_request.additional_properties = d
        return job_request
