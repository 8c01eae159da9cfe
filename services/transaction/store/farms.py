"""The read model of farms: what the transaction service keeps of the farm service's farms
(from ``farm.registered`` / ``farm.updated``), and whose farm it is. Opening a trade reads
its farm in the statement that inserts the trade (``trades.open_at_farm``)."""

from __future__ import annotations

import uuid

from pamtalk.db.statements import sql
from pamtalk.db.tx import Read, Tx
from pamtalk.events.catalogue import FarmSnapshot

# Insert the farm, or update it when the snapshot is newer than what is stored (an older
# one, or a redelivery of the same, changes nothing). ``received_at`` stays the first time.
APPLY = sql(
    """INSERT INTO farms AS farm (farm_id, owner_id, name, region, latitude, longitude, size_ha, crops,
    certifications, status, wallet_address, esg_score, esg_grade, updated_at)
VALUES (:farm_id, :owner_id, :name, :region, :latitude, :longitude, :size_ha, :crops,
    :certifications, :status, :wallet_address, :esg_score, :esg_grade, :updated_at)
ON CONFLICT (farm_id) DO UPDATE SET owner_id = excluded.owner_id, name = excluded.name,
    region = excluded.region, latitude = excluded.latitude, longitude = excluded.longitude,
    size_ha = excluded.size_ha, crops = excluded.crops, certifications = excluded.certifications,
    status = excluded.status, wallet_address = excluded.wallet_address, esg_score = excluded.esg_score,
    esg_grade = excluded.esg_grade, updated_at = excluded.updated_at
WHERE farm.updated_at < excluded.updated_at"""
)
_OWNER = sql("SELECT owner_id FROM farms WHERE farm_id = :farm_id")


async def apply(tx: Tx, snapshot: FarmSnapshot, crops: list[str]) -> None:
    """The farm as ``snapshot`` says (its crops as ``crops``), unless what is stored is newer."""
    await tx.execute(
        APPLY,
        farm_id=snapshot.farm_id,
        owner_id=snapshot.owner_id,
        name=snapshot.name,
        region=snapshot.region,
        latitude=snapshot.latitude,
        longitude=snapshot.longitude,
        size_ha=snapshot.size_ha,
        crops=crops,
        certifications=snapshot.certifications,
        status=snapshot.status,
        wallet_address=snapshot.wallet_address,
        esg_score=snapshot.esg_score,
        esg_grade=snapshot.esg_grade,
        updated_at=snapshot.updated_at,
    )


async def owner_of(read: Read, farm_id: uuid.UUID) -> uuid.UUID | None:
    owner: uuid.UUID | None = await read.fetchval(_OWNER, farm_id=farm_id)
    return owner
