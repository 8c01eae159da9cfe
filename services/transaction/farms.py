"""The read model of farms: what the transaction service knows of the farm service's farms,
kept from ``farm.registered`` / ``farm.updated`` events (never by calling the farm service
while a trade is opened). An event older than what is stored is ignored, so events that
arrive out of order cannot roll a farm back."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from pamtalk.errors import Problem
from pamtalk.events.catalogue import FarmSnapshot
from pamtalk.events.envelope import Envelope
from services.transaction.models import Farm

_FIELDS = FarmSnapshot.attributes()


async def apply_snapshot(
    session: AsyncSession, event: FarmSnapshot, _envelope: Envelope | None = None
) -> None:
    """Insert the farm, or update it when the event is newer than what is stored."""
    values = {name: getattr(event, name) for name in _FIELDS}
    values["crops"] = [crop.strip().lower() for crop in event.crops]
    statement = insert(Farm).values(farm_id=event.farm_id, **values)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[Farm.farm_id],
            set_={name: statement.excluded[name] for name in _FIELDS},
            where=Farm.updated_at < statement.excluded.updated_at,
        )
    )


FARMS: str = Farm.__table__.fullname  # type: ignore[attr-defined]
# What opening a trade needs of its farm (see ``trades.open_trade``).
FOR_TRADE = ("owner_id", "region", "crops", "status", "esg_score", "wallet_address")
FARM_FOR_TRADE = f"SELECT {', '.join(FOR_TRADE)} FROM {FARMS} WHERE farm_id = :farm_id"


def tradable(farm: Mapping[str, Any] | None) -> Mapping[str, Any]:
    """The farm a new trade names: known to the marketplace and active, or a 422."""
    if farm is None:
        raise Problem(
            422,
            "The farm is not known to the marketplace yet; farms appear within seconds of "
            "registration. Check the farm id, or try again shortly.",
            type_="farm-unknown",
            errors=[{"field": "farm_id", "in": "body", "message": "unknown farm", "code": "farm-unknown"}],
        )
    status = farm["status"]
    if status != "active":
        raise Problem(
            422,
            f"The farm is {status} and does not take new trades.",
            type_="farm-inactive",
            errors=[
                {
                    "field": "farm_id",
                    "in": "body",
                    "message": f"farm is {status}",
                    "code": "farm-inactive",
                }
            ],
        )
    return farm
