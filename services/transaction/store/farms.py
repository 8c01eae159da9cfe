"""The read model of farms: what the transaction service keeps of the farm service's farms
(from ``farm.registered`` / ``farm.updated``), and whose farm it is. Opening a trade reads
its farm in the statement that inserts the trade (``trades.open_at_farm``)."""

from __future__ import annotations

import uuid

from pamtalk.db.statements import sql
from pamtalk.db.tx import Read, Tx
from pamtalk.events.catalogue import FarmSnapshot

# The columns a snapshot sets, each from the snapshot's attribute of its name (``farm_id`` is
# the key; ``received_at`` stays the time the farm was first stored).
FROM_SNAPSHOT = tuple(
    "owner_id name region latitude longitude size_ha crops certifications status wallet_address "
    "esg_score esg_grade updated_at".split()
)
# Insert the farm, or update it when the snapshot is newer than what is stored (an older
# one, or a redelivery of the same, changes nothing).
APPLY = sql(
    f"INSERT INTO farms AS farm (farm_id, {', '.join(FROM_SNAPSHOT)}) "
    f"VALUES (:farm_id, {', '.join(':' + name for name in FROM_SNAPSHOT)}) "
    f"ON CONFLICT (farm_id) DO UPDATE SET {', '.join(f'{name} = excluded.{name}' for name in FROM_SNAPSHOT)} "
    "WHERE farm.updated_at < excluded.updated_at"
)
_OWNER = sql("SELECT owner_id FROM farms WHERE farm_id = :farm_id")


async def apply(tx: Tx, snapshot: FarmSnapshot, crops: list[str]) -> None:
    """The farm as ``snapshot`` says (its crops as ``crops``), unless what is stored is newer."""
    values = {name: getattr(snapshot, name) for name in FROM_SNAPSHOT}
    values.update(farm_id=snapshot.farm_id, crops=crops)
    await tx.execute(APPLY, **values)


async def owner_of(read: Read, farm_id: uuid.UUID) -> uuid.UUID | None:
    owner: uuid.UUID | None = await read.fetchval(_OWNER, farm_id=farm_id)
    return owner
