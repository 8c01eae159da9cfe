from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import AdditionalProperties

if TYPE_CHECKING:
    from ..models.forecast_out import ForecastOut


T = TypeVar("T", bound="JobResult")


@_attrs_define
class JobResult(AdditionalProperties["Any"]):
    """
    Attributes:
        count (int):
        forecasts (list[ForecastOut]):
    """

    count: int
    forecasts: list[ForecastOut]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        count = self.count

        forecasts = []
        for forecasts_item_data in self.forecasts:
            forecasts_item = forecasts_item_data.to_dict()
            forecasts.append(forecasts_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "count": count,
                "forecasts": forecasts,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.forecast_out import ForecastOut  # noqa: PLC0415

        d = dict(src_dict)
        count = d.pop("count")

        forecasts = []
        _forecasts = d.pop("forecasts")
        for forecasts_item_data in _forecasts:
            forecasts_item = ForecastOut.from_dict(forecasts_item_data)

            forecasts.append(forecasts_item)

        job_result = cls(
            count=count,
            forecasts=forecasts,
        )

        job_result.additional_properties = d
        return job_result
