"""Request bodies and helpers of the farm tests."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

import httpx
from fastapi import FastAPI

from pamtalk.db.statements import sql
from pamtalk.events.catalogue import EsgScored
from pamtalk.events.envelope import Envelope
from services.farm.consumers import esg_scored_consumer
from tests.waiting import sent


def farm_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "Haenam Green Farm",
        "region": "Jeonnam",
        "latitude": 34.5736,
        "longitude": 126.5990,
        "address": "Haenam-gun, Jeollanam-do",
        "size_ha": 12.5,
        "established": "2011-03-01",
        "contact_phone": "+82 10-1234-5678",
        "contact_email": "farm@example.com",
        "certifications": ["organic"],
        "crops": ["cabbage", "rice"],
        "wallet_address": "0x" + "AB" * 20,
    }
    body.update(overrides)
    return body


def esg_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "organic_certified": True,
        "water_usage_per_hectare": 4200.0,
        "carbon_emissions": 1.5,
        "renewable_energy_percentage": 40,
        "biodiversity_score": 7,
        "soil_health_score": 8,
        "waste_management_score": 6,
        "fair_wage_certification": True,
        "community_investment_percentage": 5,
        "worker_safety_score": 9,
        "local_employment_percentage": 80,
        "training_programs": True,
        "healthcare_provided": False,
        "transparency_score": 7,
        "record_keeping_score": 8,
        "stakeholder_engagement_score": 6,
        "ethical_practices_score": 9,
        "supply_chain_traceability": True,
    }
    body.update(overrides)
    return body


async def create_farm(
    client: httpx.AsyncClient, tokens: Any, owner: uuid.UUID | None = None, **overrides: Any
) -> dict[str, Any]:
    response = await client.post(
        "/api/v1/farms", json=farm_body(**overrides), headers=tokens.headers("farmer", owner or uuid.uuid4())
    )
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()
    return data


OUTBOX_COUNT = sql("SELECT count(*) FROM outbox")


async def outbox_count(app: FastAPI) -> int:
    async with app.state.runtime.db.read() as read:
        return int(await read.fetchval(OUTBOX_COUNT))


async def published(app: FastAPI, event_type: str, farm_id: str | None = None) -> list[dict[str, Any]]:
    """Bodies of the events of this type the relay has published (after flushing the outbox)."""
    await app.state.runtime.relay.publish_pending()
    return [e.data for e in sent(app, event_type, **({} if farm_id is None else {"farm_id": farm_id}))]


def scored_envelope(
    farm: dict[str, Any], grade: str = "Gold", overall: float = 84.0, submission_id: uuid.UUID | None = None
) -> Envelope:
    """An ``esg.scored`` event as the prediction service will send it."""
    return Envelope.wrap(
        EsgScored(
            assessment_id=uuid.uuid4(),
            submission_id=submission_id or uuid.uuid4(),
            farm_id=uuid.UUID(farm["id"]),
            owner_id=uuid.UUID(farm["owner_id"]),
            environmental=80.0,
            social=85.0,
            governance=90.0,
            overall=overall,
            grade=grade,  # type: ignore[arg-type]
            token_estimate=120_000,
            valid_until=date.today() + timedelta(days=365),
        ),
        "prediction",
    )


async def deliver(app: FastAPI, envelope: Envelope) -> None:
    """Hand an event to the farm's esg.scored consumer, as the bus would."""
    await esg_scored_consumer(app.state.runtime)(envelope, {})


async def page_through(
    client: httpx.AsyncClient, params: dict[str, Any], **kwargs: Any
) -> list[list[dict[str, Any]]]:
    """Every page of a list query, following next_cursor."""
    pages: list[list[dict[str, Any]]] = []
    cursor = None
    while True:
        response = await client.get(
            "/api/v1/farms", params={**params, **({"cursor": cursor} if cursor else {})}, **kwargs
        )
        assert response.status_code == 200, response.text
        body = response.json()
        pages.append(body["items"])
        cursor = body["next_cursor"]
        if cursor is None:
            return pages
