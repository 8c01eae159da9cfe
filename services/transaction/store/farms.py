"""The read model of farms: what the transaction service keeps of the farm service's farms
(from ``farm.registered`` / ``farm.updated``, written by the consumer's ``APPLY``), and whose
farm it is. Opening a trade reads its farm in the statement that inserts the trade
(``trades.open_at_farm``)."""

from __future__ import annotations

import uuid
from typing import Any

from pamtalk.db.folded import Fold
from pamtalk.db.statements import sql
from pamtalk.db.tx import Read
from pamtalk.events.catalogue import FarmSnapshot

# The columns a snapshot sets, each from the snapshot's attribute of its name (``farm_id`` is
# the key; ``received_at`` stays the time the farm was first stored).
FROM_SNAPSHOT = tuple(
    "owner_id name region latitude longitude size_ha crops certifications status wallet_address "
    "esg_score esg_grade updated_at".split()
)
# The consumer's fold (``pamtalk.db.folded``): the snapshots of any number of events in one
# statement with their inbox claims. Each farm is inserted, or updated when its snapshot is
# newer than what is stored (an older one, or a redelivery of the same, changes nothing). Of
# one farm's snapshots in a batch only the newest is applied (one statement changes a row
# once). The rows take the table's own types (``jsonb_populate_record``).
_SET = ", ".join(f"{name} = excluded.{name}" for name in FROM_SNAPSHOT)
APPLY = Fold(
    f"""
snapshots AS (
    SELECT DISTINCT ON (farm.farm_id) farm.*
    FROM jsonb_array_elements(CAST(:rows AS jsonb)) AS r(row)
        CROSS JOIN LATERAL jsonb_populate_record(NULL::farms, r.row) AS farm
    WHERE CAST(r.row ->> 'event_id' AS uuid) IN (SELECT event_id FROM claimed)
    ORDER BY farm.farm_id, farm.updated_at DESC
), written AS (
    INSERT INTO farms AS farm (farm_id, {", ".join(FROM_SNAPSHOT)})
    SELECT farm_id, {", ".join(FROM_SNAPSHOT)} FROM snapshots
    ON CONFLICT (farm_id) DO UPDATE SET {_SET}
    WHERE farm.updated_at < excluded.updated_at
    RETURNING farm_id
)"""
)
_OWNER = sql("SELECT owner_id FROM farms WHERE farm_id = :farm_id")


def snapshot_row(snapshot: FarmSnapshot, crops: list[str]) -> dict[str, Any]:
    """The row of ``APPLY`` for ``snapshot``, its crops as ``crops``."""
    return {
        "farm_id": snapshot.farm_id,
        **{name: getattr(snapshot, name) for name in FROM_SNAPSHOT},
        "crops": crops,
    }


async def owner_of(read: Read, farm_id: uuid.UUID) -> uuid.UUID | None:
    owner: uuid.UUID | None = await read.fetchval(_OWNER, farm_id=farm_id)
    return owner
