from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, AdditionalProperties, Unset

if TYPE_CHECKING:
    from ..models.esg_submission_out import EsgSubmissionOut
    from ..models.latest_esg import LatestEsg


T = TypeVar("T", bound="EsgHistory")


@_attrs_define
class EsgHistory(AdditionalProperties["Any"]):
    """
    Attributes:
        farm_id (UUID):
        items (list[EsgSubmissionOut]):
        latest (LatestEsg | None | Unset):
        next_cursor (None | str | Unset):
    """

    farm_id: UUID
    items: list[EsgSubmissionOut]
    latest: LatestEsg | None | Unset = UNSET
    next_cursor: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.latest_esg import LatestEsg  # noqa: PLC0415

        farm_id = str(self.farm_id)

        items = []
        for items_item_data in self.items:
            items_item = items_item_data.to_dict()
            items.append(items_item)

        latest: dict[str, Any] | None | Unset
        if isinstance(self.latest, Unset):
            latest = UNSET
        elif isinstance(self.latest, LatestEsg):
            latest = self.latest.to_dict()
        else:
            latest = self.latest

        next_cursor: None | str | Unset
        if isinstance(self.next_cursor, Unset):
            next_cursor = UNSET
        else:
            next_cursor = self.next_cursor

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "farm_id": farm_id,
                "items": items,
            }
        )
        if latest is not UNSET:
            field_dict["latest"] = latest
        if next_cursor is not UNSET:
            field_dict["next_cursor"] = next_cursor

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.esg_submission_out import EsgSubmissionOut  # noqa: PLC0415
        from ..models.latest_esg import LatestEsg  # noqa: PLC0415

        d = dict(src_dict)
        farm_id = UUID(d.pop("farm_id"))

        items = []
        _items = d.pop("items")
        for items_item_data in _items:
            items_item = EsgSubmissionOut.from_dict(items_item_data)

            items.append(items_item)

        def _parse_latest(data: object) -> LatestEsg | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                latest_type_0 = LatestEsg.from_dict(data)

                return latest_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(LatestEsg | None | Unset, data)

        latest = _parse_latest(d.pop("latest", UNSET))

        def _parse_next_cursor(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        next_cursor = _parse_next_cursor(d.pop("next_cursor", UNSET))

        esg_history = cls(
            farm_id=farm_id,
            items=items,
            latest=latest,
            next_cursor=next_cursor,
        )

        esg_history.additional_properties = d
        return esg_history
