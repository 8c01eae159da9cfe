from __future__ import annotations

from pamtalk.settings import ServiceSettings


class TransactionSettings(ServiceSettings):
    SERVICE = "transaction"

    # Monthly partitions of ``transactions`` kept ready: from this many months back to this
    # many months ahead of now (a write outside them still lands in the DEFAULT partition).
    partition_months_behind: int = 1
    partition_months_ahead: int = 3
    # Partition upkeep and pruning of expired idempotency keys run at start-up and then
    # every ``maintenance_seconds`` (hourly by default: cheap, and a missed day never hurts).
    maintenance_seconds: float = 3600.0
    idempotency_ttl_seconds: int = 24 * 3600
    dashboard_ttl_seconds: int = 60  # the source plan's dashboard TTL
