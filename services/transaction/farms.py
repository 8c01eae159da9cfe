"""The read model of farms: what the transaction service knows of the farm service's farms,
kept from ``farm.registered`` / ``farm.updated`` events (never by calling the farm service
while a trade is opened). An event older than what is stored is ignored, so events that
arrive out of order cannot roll a farm back."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pamtalk.db.outbox import PlainTx
from pamtalk.db.raw import sql
from pamtalk.errors import Problem
from pamtalk.events.catalogue import FarmSnapshot
from pamtalk.events.envelope import Envelope, Event
from services.transaction.models import Farm

_FIELDS = FarmSnapshot.attributes()
FARMS: str = Farm.__table__.fullname  # type: ignore[attr-defined]
# Insert the farm, or update it when the snapshot is newer than what is stored (an older
# one, or a redelivery of the same, changes nothing).
_APPLY = sql(
    f"INSERT INTO {FARMS} AS farm (farm_id, {', '.join(_FIELDS)}) "
    f"VALUES (:farm_id, {', '.join(f':{name}' for name in _FIELDS)}) "
    f"ON CONFLICT (farm_id) DO UPDATE SET {', '.join(f'{name} = excluded.{name}' for name in _FIELDS)} "
    "WHERE farm.updated_at < excluded.updated_at"
)


async def apply_snapshot(tx: PlainTx, event: Event, _envelope: Envelope | None = None) -> None:
    """Effect of ``farm.registered`` / ``farm.updated`` (plain SQL, in the transaction of the
    inbox claim): the farm as the snapshot says, crops lower-cased, unless what is stored is
    newer."""
    assert isinstance(event, FarmSnapshot)
    values = {name: getattr(event, name) for name in _FIELDS}
    values.update(farm_id=event.farm_id, crops=[crop.strip().lower() for crop in event.crops])
    await tx.conn.execute(_APPLY.text, *_APPLY.args(values))


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
