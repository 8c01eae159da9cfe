from __future__ import annotations

from pamtalk.cache import TTL_FARM_LIST
from pamtalk.settings import ServiceSettings


class FarmSettings(ServiceSettings):
    SERVICE = "farm"

    list_cache_seconds: int = TTL_FARM_LIST  # Redis cache of public list pages (source plan: 300 s)
    public_max_age_seconds: int = 60  # Cache-Control max-age of public responses (clients, gateway)
    page_size: int = 20
    max_page_size: int = 100
    max_radius_km: float = 500.0
    esg_history_page_size: int = 20
