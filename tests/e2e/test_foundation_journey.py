"""Issue 2 end to end, through nginx and separate service processes: sign up, log in,
register a farm, list it (a cache hit the second time), submit ESG data, and see the
event arrive in RabbitMQ."""

from __future__ import annotations

import asyncio
import json
import uuid

import aio_pika
import pytest

from pamtalk.bus.topology import EXCHANGE
from tests.e2e.conftest import AMQP_PREFIX
from tests.e2e.harness import Distributed
from tests.services_available import AMQP_URL

pytestmark = [pytest.mark.e2e, pytest.mark.integration]

ESG = {
    "organic_certified": True,
    "water_usage_per_hectare": 4000,
    "carbon_emissions": 1.5,
    "renewable_energy_percentage": 60,
    "biodiversity_score": 8,
    "soil_health_score": 7,
    "waste_management_score": 6,
    "fair_wage_certification": True,
    "community_investment_percentage": 5,
    "worker_safety_score": 9,
    "local_employment_percentage": 80,
    "training_programs": True,
    "healthcare_provided": True,
    "transparency_score": 8,
    "record_keeping_score": 9,
    "stakeholder_engagement_score": 7,
    "ethical_practices_score": 8,
    "supply_chain_traceability": True,
}


async def test_sign_up_to_esg_event_through_the_gateway(platform: Distributed) -> None:
    connection = await aio_pika.connect(AMQP_URL)
    async with connection, platform.async_client() as client:
        channel = await connection.channel()
        exchange = await channel.declare_exchange(
            AMQP_PREFIX + EXCHANGE, aio_pika.ExchangeType.TOPIC, durable=True
        )
        spy = await channel.declare_queue(exclusive=True, auto_delete=True)
        await spy.bind(exchange, "farm.#")

        email = f"e2e-{uuid.uuid4().hex[:8]}@pamtalk.kr"
        signup = await client.post(
            "/api/v1/auth/signup",
            json={
                "email": email,
                "password": "e2e password 123",
                "display_name": "E2E Farmer",
                "role": "farmer",
            },
        )
        assert signup.status_code == 201, signup.text
        assert signup.headers.get("x-request-id")
        login = await client.post("/api/v1/auth/login", json={"email": email, "password": "e2e password 123"})
        assert login.status_code == 200
        auth = {"Authorization": f"Bearer {login.json()['access_token']}"}

        region = "Jeju"
        farm = await client.post(
            "/api/v1/farms",
            headers=auth,
            json={
                "name": f"E2E Farm {uuid.uuid4().hex[:4]}",
                "region": region,
                "latitude": 33.4,
                "longitude": 126.5,
                "size_ha": 11.0,
                "crops": ["carrots"],
                "certifications": ["organic"],
                "established": "2015-01-01",
                "contact_email": email,
                "contact_phone": "+82 10-1234-5678",
            },
        )
        assert farm.status_code == 201, farm.text
        farm_id = farm.json()["id"]

        query = f"/api/v1/farms?region={region}&crop=carrots&limit=50"
        first = await client.get(query)
        second = await client.get(query)
        assert first.status_code == second.status_code == 200
        assert farm_id in [f["id"] for f in first.json()["items"]]
        assert first.json() == second.json()
        # the second time it comes from a cache: the gateway's edge cache or the service's Redis
        assert "HIT" in (second.headers.get("x-cache-status"), second.headers.get("x-cache"))
        for replica in platform.service_urls("farm"):  # behind the gateway, both replicas share Redis
            direct = await client.get(replica + query)
            assert direct.headers["x-cache"] == "HIT" and direct.json() == first.json()

        submitted = await client.post(f"/api/v1/farms/{farm_id}/esg", json=ESG, headers=auth)
        assert submitted.status_code == 202, submitted.text

        seen: dict[str, dict] = {}
        async with asyncio.timeout(15):
            async with spy.iterator() as messages:
                async for message in messages:
                    async with message.process():
                        body = json.loads(message.body)
                        if body["data"].get("farm_id") == farm_id:
                            seen[body["type"]] = body
                    if "farm.esg_submitted" in seen and "farm.registered" in seen:
                        break
        assert seen["farm.esg_submitted"]["data"]["esg"]["carbon_emissions"] == 1.5
        assert seen["farm.registered"]["data"]["owner_id"] == signup.json()["id"]
