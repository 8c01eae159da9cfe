from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import AdditionalProperties

if TYPE_CHECKING:
    from ..models.data_window import DataWindow
    from ..models.model_info_backtest import ModelInfoBacktest


T = TypeVar("T", bound="ModelInfo")


@_attrs_define
class ModelInfo(AdditionalProperties["Any"]):
    """
    Attributes:
        version (str):
        data_source (str):
        data_note (str):
        data_window (DataWindow):
        crops (list[str]):
        regions (list[str]):
        max_days (int):
        backtest (ModelInfoBacktest):
    """

    version: str
    data_source: str
    data_note: str
    data_window: DataWindow
    crops: list[str]
    regions: list[str]
    max_days: int
    backtest: ModelInfoBacktest
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        version = self.version

        data_source = self.data_source

        data_note = self.data_note

        data_window = self.data_window.to_dict()

        crops = self.crops

        regions = self.regions

        max_days = self.max_days

        backtest = self.backtest.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "version": version,
                "data_source": data_source,
                "data_note": data_note,
                "data_window": data_window,
                "crops": crops,
                "regions": regions,
                "max_days": max_days,
                "backtest": backtest,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.data_window import DataWindow  # noqa: PLC0415
        from ..models.model_info_backtest import ModelInfoBacktest  # noqa: PLC0415

        d = dict(src_dict)
        version = d.pop("version")

        data_source = d.pop("data_source")

        data_note = d.pop("data_note")

        data_window = DataWindow.from_dict(d.pop("data_window"))

        crops = cast(list[str], d.pop("crops"))

        regions = cast(list[str], d.pop("regions"))

        max_days = d.pop("max_days")

        backtest = ModelInfoBacktest.from_dict(d.pop("backtest"))

        model_info = cls(
            version=version,
            data_source=data_source,
            data_note=data_note,
            data_window=data_window,
            crops=crops,
            regions=regions,
            max_days=max_days,
            backtest=backtest,
        )

        model_info.additional_properties = d
        return model_info
