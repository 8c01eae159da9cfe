"""Settings of the prediction service (``PAMTALK_PREDICTION_<FIELD>``, then ``PAMTALK_<FIELD>``)."""

from __future__ import annotations

from pamtalk.cache import TTL_FORECAST
from pamtalk.settings import ServiceSettings


class PredictionSettings(ServiceSettings):
    SERVICE = "prediction"

    # Folder of the ONNX models and their card; empty: the committed services/prediction/artifacts.
    model_dir: str = ""
    # Micro-batching: a model call takes up to this many requests, and waits at most this long
    # after the first one for more. ``batch_concurrency`` model calls may run at once (threads).
    batch_max_size: int = 64
    batch_max_wait_ms: float = 2.0
    batch_concurrency: int = 1
    forecast_cache_seconds: int = TTL_FORECAST  # Redis cache of forecasts (source plan: 3,600 s)
    forecast_max_age_seconds: int = 300  # Cache-Control max-age of a forecast (clients, gateway)
    # How often the first day of each crop/region's daily demand is read again (a forecast
    # reads the database only for pairs with 28 days of history).
    history_index_seconds: float = 300.0
    # A scrape of /metrics reads the live forecast quality again at most this often per process
    # (the 14-day figures change when a day's trades settle; one read costs tens of ms).
    quality_refresh_seconds: float = 60.0
    # The tracked shift of the forecast intervals is read again when a day begins and otherwise
    # at most this often per process (settlements of past days that arrive late).
    tracking_refresh_seconds: float = 300.0
    page_size: int = 20
    max_page_size: int = 100
