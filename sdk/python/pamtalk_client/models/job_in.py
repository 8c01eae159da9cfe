from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="JobIn")


@_attrs_define
class JobIn:
    """A batch of forecasts: every crop x region given (all of them when left out).

    Attributes:
        crops (list[str] | None | Unset):
        regions (list[str] | None | Unset):
        days (int | Unset):  Default: 7.
    """

    crops: list[str] | None | Unset = UNSET
    regions: list[str] | None | Unset = UNSET
    days: int | Unset = 7

    def to_dict(self) -> dict[str, Any]:
        crops: list[str] | None | Unset
        if isinstance(self.crops, Unset):
            crops = UNSET
        elif isinstance(self.crops, list):
            crops = self.crops

        else:
            crops = self.crops

        regions: list[str] | None | Unset
        if isinstance(self.regions, Unset):
            regions = UNSET
        elif isinstance(self.regions, list):
            regions = self.regions

        else:
            regions = self.regions

        days = self.days

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if crops is not UNSET:
            field_dict["crops"] = crops
        if regions is not UNSET:
            field_dict["regions"] = regions
        if days is not UNSET:
            field_dict["days"] = days

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_crops(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                crops_type_0 = cast(list[str], data)

                return crops_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        crops = _parse_crops(d.pop("crops", UNSET))

        def _parse_regions(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                regions_type_0 = cast(list[str], data)

                return regions_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        regions = _parse_regions(d.pop("regions", UNSET))

        days = d.pop("days", UNSET)

        job_in = cls(
            crops=crops,
            regions=regions,
            days=days,
        )

        return job_in
