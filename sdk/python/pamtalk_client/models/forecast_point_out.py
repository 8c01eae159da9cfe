from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import AdditionalProperties

T = TypeVar("T", bound="ForecastPointOut")


@_attrs_define
class ForecastPointOut(AdditionalProperties["Any"]):
    """
    Attributes:
        date (datetime.date):
        demand (float):
        lower (float): calibrated 80 % interval: demand below it on about 10 % of days
        upper (float): calibrated 80 % interval: demand above it on about 10 % of days
    """

    date: datetime.date
    demand: float
    lower: float
    upper: float
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        date = self.date.isoformat()

        demand = self.demand

        lower = self.lower

        upper = self.upper

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "date": date,
                "demand": demand,
                "lower": lower,
                "upper": upper,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        date = datetime.date.fromisoformat(d.pop("date"))

        demand = d.pop("demand")

        lower = d.pop("lower")

        upper = d.pop("upper")

        forecast_point_out = cls(
            date=date,
            demand=demand,
            lower=lower,
            upper=upper,
        )

        forecast_point_out.additional_properties = d
        return forecast_point_out
