"""The database URL analytics read (``make train-platform``): the prediction service's read
replica when it has one (``PAMTALK_PREDICTION_REPLICA_URL`` / ``PAMTALK_REPLICA_URL``), else its
primary. Training reads months of history: seconds of staleness do not matter, and the scan
stays off the primary that serves the writes."""

from __future__ import annotations

from services.prediction.settings import PredictionSettings


def analytics_url(settings: PredictionSettings | None = None) -> str:
    settings = settings or PredictionSettings()
    return settings.replica_url or settings.database_url


if __name__ == "__main__":
    print(analytics_url())
