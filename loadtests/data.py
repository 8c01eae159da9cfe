"""Plausible request bodies: farms, trades, ESG data, list filters (pure; seeded ``Random``).

Prices and quantities sit near each crop's usual range (the prediction service's crop
norms), deliveries within 24-168 h, so the anomaly scorer has no reason to hold the tool's
trades for review: the traffic looks like ordinary trading.
"""

from __future__ import annotations

import random
import uuid
from datetime import date, timedelta
from typing import Any

CROPS = ("tomatoes", "cabbage", "rice", "lettuce", "carrots")
CERTIFICATIONS = ("organic", "fair_trade", "carbon_neutral", "global_gap", "iso_14001")
# region: (latitude, longitude) of a point inside it
REGIONS: dict[str, tuple[float, float]] = {
    "Gyeonggi": (37.27, 127.01),
    "Gangwon": (37.37, 128.39),
    "Chungbuk": (36.64, 127.49),
    "Chungnam": (36.66, 126.67),
    "Jeonbuk": (35.80, 126.88),
    "Jeonnam": (34.82, 126.46),
    "Gyeongbuk": (36.25, 128.87),
    "Gyeongnam": (35.24, 128.69),
    "Jeju": (33.45, 126.56),
}
# crop: (unit price KRW, its spread, quantity, its spread)
NORMS = {
    "cabbage": (2963, 272, 200, 61),
    "carrots": (2129, 192, 151, 45),
    "lettuce": (2368, 212, 100, 30),
    "rice": (2599, 231, 502, 150),
    "tomatoes": (3545, 319, 150, 45),
}
FORECAST_DAYS = (7, 14, 28)
PAYMENT = ("bank_transfer", "card", "mobile_pay")


def farm(rng: random.Random, owner_email: str, n: int = 0) -> dict[str, Any]:
    region = rng.choice(tuple(REGIONS))
    lat, lon = REGIONS[region]
    crops = rng.sample(CROPS, rng.randint(1, 3))
    return {
        "name": f"Loadtest farm {n or rng.randint(1, 10**6)}",
        "region": region,
        "latitude": round(lat + rng.uniform(-0.2, 0.2), 5),
        "longitude": round(lon + rng.uniform(-0.2, 0.2), 5),
        "size_ha": round(rng.lognormvariate(2.3, 0.9), 1) + 0.1,
        "established": (date(2000, 1, 1) + timedelta(days=rng.randint(0, 8000))).isoformat(),
        "contact_phone": f"+82 10-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}",
        "contact_email": owner_email,
        "certifications": rng.sample(CERTIFICATIONS, rng.randint(0, 2)),
        "crops": crops,
    }


def trade(rng: random.Random, farm_id: str, crops: list[str]) -> dict[str, Any]:
    crop = rng.choice(crops)
    price, price_sd, qty, qty_sd = NORMS.get(crop, NORMS["cabbage"])
    return {
        "farm_id": farm_id,
        "crop": crop,
        "quantity": f"{max(1.0, rng.gauss(qty, qty_sd / 2)):.1f}",
        "unit_price": f"{max(100.0, rng.gauss(price, price_sd / 2)):.0f}",
        "quality_score": round(min(100.0, max(60.0, rng.gauss(80, 5))), 1),
        "delivery_hours": rng.choice((24, 48, 72, 96)),
        "payment_method": rng.choice(PAYMENT),
    }


def esg(rng: random.Random) -> dict[str, Any]:
    def score() -> float:
        return round(rng.uniform(4, 9), 1)

    return {
        "organic_certified": rng.random() < 0.4,
        "water_usage_per_hectare": round(rng.uniform(3000, 9000)),
        "carbon_emissions": round(rng.uniform(1, 6), 2),
        "renewable_energy_percentage": round(rng.uniform(5, 80)),
        "biodiversity_score": score(),
        "soil_health_score": score(),
        "waste_management_score": score(),
        "fair_wage_certification": rng.random() < 0.5,
        "community_investment_percentage": round(rng.uniform(0, 10), 1),
        "worker_safety_score": score(),
        "local_employment_percentage": round(rng.uniform(30, 95)),
        "training_programs": rng.random() < 0.6,
        "healthcare_provided": rng.random() < 0.4,
        "transparency_score": score(),
        "record_keeping_score": score(),
        "stakeholder_engagement_score": score(),
        "ethical_practices_score": score(),
        "supply_chain_traceability": rng.random() < 0.5,
    }


def farm_filters(rng: random.Random) -> str:
    """The query of a farm-list page as the app asks it: often unfiltered, else by region
    or crop (a bounded set, as real filters are, so the list cache can help)."""
    roll = rng.random()
    if roll < 0.4:
        return "limit=20"
    if roll < 0.7:
        return f"region={rng.choice(tuple(REGIONS))}&limit=20"
    if roll < 0.9:
        return f"crop={rng.choice(CROPS)}&limit=20"
    return f"region={rng.choice(tuple(REGIONS))}&crop={rng.choice(CROPS)}&limit=20"


def forecast_query(rng: random.Random) -> str:
    return f"crop={rng.choice(CROPS)}&region={rng.choice(tuple(REGIONS))}&days={rng.choice(FORECAST_DAYS)}"


def idempotency_key() -> str:
    return str(uuid.uuid4())
