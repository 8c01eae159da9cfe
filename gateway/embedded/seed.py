"""Demo data for the embedded mode, created through the services' own APIs (so it obeys
every rule a user would): accounts of each role, farms across Korean regions, ESG data.
Runs once; a second start finds the demo farmer and leaves the data as it is."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import httpx

log = logging.getLogger("pamtalk.seed")
DEMO_PASSWORD = "pamtalk-demo-2026"


@dataclass(frozen=True)
class DemoUser:
    email: str
    name: str
    role: str


DEMO_USERS = (
    DemoUser("admin@pamtalk.kr", "관리자 Admin", "admin"),
    DemoUser("committee@pamtalk.kr", "ESG 위원회 Committee", "committee"),
    DemoUser("farmer.kim@pamtalk.kr", "김농부 Kim", "farmer"),
    DemoUser("farmer.lee@pamtalk.kr", "이농부 Lee", "farmer"),
    DemoUser("farmer.park@pamtalk.kr", "박농부 Park", "farmer"),
    DemoUser("consumer@pamtalk.kr", "최소비 Choi", "consumer"),
    DemoUser("company@pamtalk.kr", "한식당 Hansik Restaurant", "company"),
)

DEMO_FARMS: tuple[tuple[str, dict[str, Any]], ...] = (
    (
        "farmer.kim@pamtalk.kr",
        {
            "name": "햇살 토마토 농장",
            "region": "Gyeonggi",
            "latitude": 37.27,
            "longitude": 127.01,
            "size_ha": 12.5,
            "crops": ["tomatoes", "lettuce"],
            "certifications": ["organic", "global_gap"],
            "established": "2012-03-01",
        },
    ),
    (
        "farmer.kim@pamtalk.kr",
        {
            "name": "Suwon Greenhouse",
            "region": "Gyeonggi",
            "latitude": 37.30,
            "longitude": 126.97,
            "size_ha": 4.2,
            "crops": ["lettuce"],
            "certifications": [],
            "established": "2019-05-10",
        },
    ),
    (
        "farmer.lee@pamtalk.kr",
        {
            "name": "Gimje Rice Fields",
            "region": "Jeonbuk",
            "latitude": 35.80,
            "longitude": 126.88,
            "size_ha": 65.0,
            "crops": ["rice"],
            "certifications": ["carbon_neutral"],
            "established": "1998-04-20",
        },
    ),
    (
        "farmer.lee@pamtalk.kr",
        {
            "name": "Haenam Cabbage",
            "region": "Jeonnam",
            "latitude": 34.57,
            "longitude": 126.60,
            "size_ha": 28.0,
            "crops": ["cabbage", "carrots"],
            "certifications": ["organic"],
            "established": "2005-09-01",
        },
    ),
    (
        "farmer.park@pamtalk.kr",
        {
            "name": "Jeju Carrot Farm",
            "region": "Jeju",
            "latitude": 33.45,
            "longitude": 126.80,
            "size_ha": 9.0,
            "crops": ["carrots"],
            "certifications": ["fair_trade", "organic"],
            "established": "2010-02-14",
        },
    ),
    (
        "farmer.park@pamtalk.kr",
        {
            "name": "Pyeongchang Highland Veg",
            "region": "Gangwon",
            "latitude": 37.37,
            "longitude": 128.39,
            "size_ha": 18.0,
            "crops": ["cabbage", "lettuce"],
            "certifications": ["iso_14001"],
            "established": "2008-06-30",
        },
    ),
)

DEMO_ESG = {
    "organic_certified": True,
    "water_usage_per_hectare": 6500,
    "carbon_emissions": 3.1,
    "renewable_energy_percentage": 45,
    "biodiversity_score": 7,
    "soil_health_score": 8,
    "waste_management_score": 7,
    "fair_wage_certification": True,
    "community_investment_percentage": 4,
    "worker_safety_score": 8,
    "local_employment_percentage": 70,
    "training_programs": True,
    "healthcare_provided": False,
    "transparency_score": 7,
    "record_keeping_score": 8,
    "stakeholder_engagement_score": 6,
    "ethical_practices_score": 8,
    "supply_chain_traceability": True,
}


async def _login(client: httpx.AsyncClient, email: str) -> dict[str, str] | None:
    response = await client.post("/api/v1/auth/login", json={"email": email, "password": DEMO_PASSWORD})
    if response.status_code != 200:
        return None
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def seed(client: httpx.AsyncClient, grant_role: Any, services: list[str]) -> bool:
    """Create the demo data unless it exists; returns True when it created it."""
    if await _login(client, DEMO_USERS[2].email) is not None:
        return False
    for user in DEMO_USERS:
        self_role = user.role if user.role in ("farmer", "consumer", "company") else "consumer"
        response = await client.post(
            "/api/v1/auth/signup",
            json={
                "email": user.email,
                "password": DEMO_PASSWORD,
                "display_name": user.name,
                "role": self_role,
            },
        )
        response.raise_for_status()
        if self_role != user.role:
            await grant_role(user.email, user.role)
    if "farm" in services:
        for owner, farm in DEMO_FARMS:
            headers = await _login(client, owner)
            created = await client.post(
                "/api/v1/farms",
                json={**farm, "contact_email": owner, "contact_phone": "+82 10-2026-0001"},
                headers=headers,
            )
            if created.status_code != 201:
                log.warning("demo farm not created: %s", created.text)
                continue
            await client.post(f"/api/v1/farms/{created.json()['id']}/esg", json=DEMO_ESG, headers=headers)
    log.info("demo data created")
    return True
