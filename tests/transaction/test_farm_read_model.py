"""The read model of farms, fed by farm events: newer snapshots win, older ones are
ignored, a redelivery changes nothing, and trades follow the farm's current state."""

from __future__ import annotations

import uuid
from contextlib import nullcontext
from datetime import UTC, datetime, timedelta

import pytest

from pamtalk.bus.base import BatchHandler, Delivery
from pamtalk.events.catalogue import FarmEsgSubmitted, FarmUpdated
from pamtalk.events.envelope import Envelope
from services.transaction import consumers
from tests.transaction.conftest import Api
from tests.transaction.support import (
    API,
    User,
    add_farm,
    farm_row,
    farm_snapshot,
    handled,
    open_trade,
    publish_farm,
    trade_body,
    update_farm,
)
from tests.waiting import eventually

pytestmark = pytest.mark.integration


async def test_newer_snapshots_win_and_older_ones_are_ignored(
    trade_api: Api, farmer: User, buyer: User
) -> None:
    client, app = trade_api
    farm_id = await add_farm(app, farmer, updated_at=datetime.now(UTC) - timedelta(minutes=5))
    later = datetime.now(UTC)
    await update_farm(app, farm_id, farmer, status="inactive", updated_at=later)
    await eventually(lambda: _status_is(app, farm_id, "inactive"))
    # an older update arriving late must not bring the farm back
    stale = await publish_farm(
        app,
        farm_id,
        farmer.id,
        event_cls=FarmUpdated,
        status="active",
        updated_at=later - timedelta(minutes=1),
    )
    await eventually(lambda: handled(app, stale))
    assert await _status_is(app, farm_id, "inactive")
    response = await client.post(API, json=trade_body(farm_id), headers=buyer.headers)
    assert response.status_code == 422 and response.json()["type"].endswith("/farm-inactive")

    await update_farm(
        app,
        farm_id,
        farmer,
        status="active",
        crops=["Lettuce"],
        esg_score=91.0,
        updated_at=later + timedelta(seconds=1),
    )
    await eventually(lambda: _status_is(app, farm_id, "active"))
    trade = await open_trade(client, buyer, farm_id, crop="lettuce")  # crops are matched lower-cased
    assert trade["producer_esg_score"] == 91.0


async def test_a_redelivered_snapshot_is_applied_once_and_other_farm_events_are_ignored(
    trade_api: Api, farmer: User
) -> None:
    _, app = trade_api
    farm_id = await add_farm(app, farmer)
    envelope = await publish_farm(app, farm_id, farmer.id, event_cls=FarmUpdated, name="Renamed")
    await eventually(lambda: handled(app, envelope))
    await app.state.runtime.bus.publish(envelope)
    submitted = Envelope.wrap(
        FarmEsgSubmitted.model_validate(
            {
                "submission_id": uuid.uuid4(),
                "farm_id": farm_id,
                "owner_id": farmer.id,
                "size_ha": 5,
                "certifications": [],
                "esg": {
                    "organic_certified": True,
                    "water_usage_per_hectare": 1,
                    "carbon_emissions": 1,
                    "renewable_energy_percentage": 1,
                    "biodiversity_score": 1,
                    "soil_health_score": 1,
                    "waste_management_score": 1,
                    "fair_wage_certification": True,
                    "community_investment_percentage": 1,
                    "worker_safety_score": 1,
                    "local_employment_percentage": 1,
                    "training_programs": True,
                    "healthcare_provided": True,
                    "transparency_score": 1,
                    "record_keeping_score": 1,
                    "stakeholder_engagement_score": 1,
                    "ethical_practices_score": 1,
                    "supply_chain_traceability": True,
                },
            }
        ),
        "farm",
    )
    await app.state.runtime.bus.publish(submitted)  # bound by farm.*: recorded, not applied
    await eventually(lambda: handled(app, submitted))
    row = await farm_row(app, farm_id)
    assert row is not None and row["name"] == "Renamed"
    assert await app.state.runtime.bus.dead_letters("transaction_updates") == []


async def test_a_newer_snapshot_replaces_every_field_of_the_farm(trade_api: Api, farmer: User) -> None:
    _, app = trade_api
    farm_id = await add_farm(app, farmer, updated_at=datetime.now(UTC) - timedelta(minutes=1))
    first = await farm_row(app, farm_id)
    new_owner = uuid.uuid4()
    changed = {
        "name": "Blue Hill",
        "region": "Jeju",
        "latitude": 33.4,
        "longitude": 126.5,
        "size_ha": 7.25,
        "crops": [" Carrots ", "RICE"],
        "certifications": ["gap"],
        "status": "suspended",
        "wallet_address": None,
        "esg_score": None,
        "esg_grade": None,
        "updated_at": datetime.now(UTC),
    }
    envelope = await publish_farm(app, farm_id, new_owner, event_cls=FarmUpdated, **changed)
    await eventually(lambda: handled(app, envelope))
    row = await farm_row(app, farm_id)
    assert row is not None and first is not None
    assert {name: row[name] for name in changed} == {**changed, "crops": ["carrots", "rice"]}
    assert row["owner_id"] == new_owner and row["received_at"] == first["received_at"]  # the first time


async def _status_is(app, farm_id: uuid.UUID, status: str) -> bool:
    row = await farm_row(app, farm_id)
    return row is not None and row["status"] == status


async def test_snapshots_of_one_farm_in_one_batch_leave_the_newest(trade_api: Api, farmer: User) -> None:
    # The AMQP bus hands waiting events over together; one statement applies them, and it can
    # change a farm's row only once: the newest snapshot of the batch is the one kept.
    _, app = trade_api
    handler = consumers.transaction_updates(app.state.runtime)
    farm_id, now = uuid.uuid4(), datetime.now(UTC)
    newer, older, other = (
        Envelope.wrap(farm_snapshot(farm_id, farmer.id, status="inactive", updated_at=now), "farm"),
        Envelope.wrap(farm_snapshot(farm_id, farmer.id, updated_at=now - timedelta(seconds=1)), "farm"),
        Envelope.wrap(farm_snapshot(uuid.uuid4(), farmer.id), "farm"),
    )
    assert isinstance(handler, BatchHandler)
    await handler.apply_batch([Delivery(envelope, {}, nullcontext) for envelope in (newer, older, other)])
    row = await farm_row(app, farm_id)
    assert row is not None and row["status"] == "inactive"
    assert [await handled(app, envelope) for envelope in (newer, older, other)] == [True] * 3
    assert await farm_row(app, other.data["farm_id"]) is not None
