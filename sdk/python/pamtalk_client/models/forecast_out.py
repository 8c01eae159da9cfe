from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.forecast_out_history_source import ForecastOutHistorySource
from ..types import AdditionalProperties

if TYPE_CHECKING:
    from ..models.data_window import DataWindow
    from ..models.forecast_point_out import ForecastPointOut


T = TypeVar("T", bound="ForecastOut")


@_attrs_define
class ForecastOut(AdditionalProperties["Any"]):
    """
    Attributes:
        crop (str):
        region (str): the demand-model region (a province is folded into its region)
        start (datetime.date):
        days (int):
        points (list[ForecastPointOut]):
        total (float):
        model_version (str):
        data_source (str): what the model was trained on: generated or platform
        data_window (DataWindow):
        history_source (ForecastOutHistorySource): the 28 days before start: the platform's settled trades, or generated
            demand
        notes (list[str]):
    """

    crop: str
    region: str
    start: datetime.date
    days: int
    points: list[ForecastPointOut]
    total: float
    model_version: str
    data_source: str
    data_window: DataWindow
    history_source: ForecastOutHistorySource
    notes: list[str]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        crop = self.crop

        region = self.region

        start = self.start.isoformat()

        days = self.days

        points = []
        for points_item_data in self.points:
            points_item = points_item_data.to_dict()
            points.append(points_item)

        total = self.total

        model_version = self.model_version

        data_source = self.data_source

        data_window = self.data_window.to_dict()

        history_source = self.history_source.value

        notes = self.notes

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "crop": crop,
                "region": region,
                "start": start,
                "days": days,
                "points": points,
                "total": total,
                "model_version": model_version,
                "data_source": data_source,
                "data_window": data_window,
                "history_source": history_source,
                "notes": notes,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.data_window import DataWindow  # noqa: PLC0415
        from ..models.forecast_point_out import ForecastPointOut  # noqa: PLC0415

        d = dict(src_dict)
        crop = d.pop("crop")

        region = d.pop("region")

        start = datetime.date.fromisoformat(d.pop("start"))

        days = d.pop("days")

        points = []
        _points = d.pop("points")
        for points_item_data in _points:
            points_item = ForecastPointOut.from_dict(points_item_data)

            points.append(points_item)

        total = d.pop("total")

        model_version = d.pop("model_version")

        data_source = d.pop("data_source")

        data_window = DataWindow.from_dict(d.pop("data_window"))

        history_source = ForecastOutHistorySource(d.pop("history_source"))

        notes = cast(list[str], d.pop("notes"))

        forecast_out = cls(
            crop=crop,
            region=region,
            start=start,
            days=days,
            points=points,
            total=total,
            model_version=model_version,
            data_source=data_source,
            data_window=data_window,
            history_source=history_source,
            notes=notes,
        )

        forecast_out.additional_properties = d
        return forecast_out
