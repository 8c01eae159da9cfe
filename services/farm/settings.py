from __future__ import annotations

from pamtalk.cache import TTL_FARM_LIST
from pamtalk.settings import ServiceSettings
from services.farm.shards import ShardSpec


class FarmSettings(ServiceSettings):
    SERVICE = "farm"

    list_cache_seconds: int = TTL_FARM_LIST  # Redis cache of public list pages (source plan: 300 s)
    public_max_age_seconds: int = 60  # Cache-Control max-age of public responses (clients, gateway)
    page_size: int = 20
    max_page_size: int = 100
    max_radius_km: float = 500.0
    esg_history_page_size: int = 20
    # Further farm shards (shard 1 is the service's own database): when each range begins and
    # where it lives, as JSON; applied by `python -m services.farm.shards` (services/farm/shards.py).
    shards: list[ShardSpec] = []
