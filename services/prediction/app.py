"""The prediction service: ONNX demand forecasts (micro-batched, cached, background jobs),
ESG scoring and trade anomaly detection, and the platform's daily demand history."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from pamtalk.app import ServiceDefinition, create_service_app
from pamtalk.runtime import Shared
from services.prediction.api import anomalies, esg, forecasts, jobs
from services.prediction.consumers import ANALYTICS, REQUESTS, analytics_data, prediction_requests
from services.prediction.models import outbox
from services.prediction.settings import PredictionSettings
from services.prediction.state import build_state, models_loaded, stop_state

DEFINITION = ServiceDefinition(
    name="prediction",
    title="PAM-TALK prediction service",
    description=(
        "Daily demand forecasts per crop and region (ONNX models; trained on GENERATED demand until "
        "the platform has its own history), background forecast jobs, ESG scores and trade anomalies."
    ),
    settings_cls=PredictionSettings,
    routers=[forecasts.router, jobs.router, esg.router, anomalies.router],
    outbox=outbox,
    build_state=build_state,
    consumers={REQUESTS: prediction_requests, ANALYTICS: analytics_data},
    on_shutdown=[stop_state],
    readiness_checks={"models": models_loaded},
    openapi_tags=[
        {"name": "forecasts", "description": "Demand forecasts (public)"},
        {"name": "forecast jobs", "description": "Many forecasts at once, in the background"},
        {"name": "esg assessments", "description": "ESG assessments of a farm"},
        {"name": "anomalies", "description": "Trade anomaly scores (admins)"},
    ],
)


def create_app(shared: Shared | None = None, **overrides: Any) -> FastAPI:
    return create_service_app(DEFINITION, PredictionSettings(**overrides), shared)


def __getattr__(name: str) -> Any:  # ``services.prediction.app:app`` for uvicorn, built on first use
    if name == "app":
        return create_app()
    raise AttributeError(name)
