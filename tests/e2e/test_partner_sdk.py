"""A partner's whole journey with the generated SDK (sdk/python, ``pamtalk_client``) against
the running platform behind nginx (issue 15): log in, list farms with a filter, a forecast, a
trade with an Idempotency-Key and its replay, confirm, settle, notifications, wallet, and the
trade's ledger proof verified offline; every answer typed, the errors (401, 404, 409, 422)
included. The gateway serves the committed OpenAPI document at /openapi.json."""

from __future__ import annotations

import sys
import time
import uuid
from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

import pytest

from gateway.openapi import CURRENT
from tests.e2e.harness import ROOT, Distributed

sys.path.insert(0, str(ROOT / "sdk" / "python"))  # the package as a partner installs it

from pamtalk_client import AuthenticatedClient, Client
from pamtalk_client.api.auth import log_in, sign_up
from pamtalk_client.api.farms import get_farm, list_farms, register_farm
from pamtalk_client.api.forecasts import forecast_demand
from pamtalk_client.api.ledger import get_ledger_public_key, get_proof_bundle, list_ledger_entries
from pamtalk_client.api.notifications import list_notifications
from pamtalk_client.api.trades import confirm_trade, create_trade, settle_trade
from pamtalk_client.api.wallets import list_my_wallets
from pamtalk_client.models import (
    Crop,
    FarmIn,
    FarmOut,
    ForecastOut,
    ForecastRegion,
    LoginIn,
    MyWalletsOut,
    NotificationPage,
    PageFarmOut,
    Problem,
    Region,
    Role,
    SignupIn,
    TokenPair,
    TradeIn,
    TradeNotification,
    TradeOut,
)

from services.blockchain.ledger.bundle import verify_bundle
from services.blockchain.ledger.tree_head import load_public_key

pytestmark = [pytest.mark.e2e, pytest.mark.integration]
PASSWORD = "partner password 123"
T = TypeVar("T")


def poll(probe: Callable[[], T | None], within: float = 30.0) -> T:
    """``probe()`` again until it gives something truthy; fail after ``within`` seconds."""
    deadline = time.monotonic() + within
    while True:
        if result := probe():
            return result
        assert time.monotonic() < deadline, "not within the deadline"
        time.sleep(0.2)


def partner(base: Client, role: str) -> AuthenticatedClient:
    email = f"sdk-{role}-{uuid.uuid4().hex[:8]}@pamtalk.kr"
    body = SignupIn(email=email, password=PASSWORD, display_name=f"SDK {role}", role=Role(role))
    assert sign_up.sync_detailed(client=base, body=body).status_code == 201
    tokens = log_in.sync(client=base, body=LoginIn(email=email, password=PASSWORD))
    assert isinstance(tokens, TokenPair)
    return AuthenticatedClient(base_url=base._base_url, token=tokens.access_token, timeout=base._timeout)


def problem(answer: Any, status: int) -> Problem:
    assert answer.status_code == status, answer.content
    assert isinstance(answer.parsed, Problem), answer.parsed  # typed, not a bare dict
    assert answer.parsed.status == status and answer.parsed.request_id
    return answer.parsed


def test_gateway_serves_the_committed_document(platform: Distributed) -> None:
    with platform.client() as client:
        served = client.get("/openapi.json")
    assert served.status_code == 200 and served.headers["content-type"].startswith("application/json")
    assert served.json() == __import__("json").loads(CURRENT.read_text())


def test_partner_journey_with_the_sdk(platform: Distributed) -> None:
    import httpx

    public = Client(base_url=platform.gateway_url, timeout=httpx.Timeout(15))
    farmer, buyer = partner(public, "farmer"), partner(public, "company")

    # 401: a token that is not ours is refused with a typed problem
    stranger = AuthenticatedClient(base_url=platform.gateway_url, token="not-a-token")
    problem(list_my_wallets.sync_detailed(client=stranger), 401)

    farm_in = FarmIn(
        name="SDK Farm",
        region=Region.JEONNAM,
        latitude=34.8,
        longitude=126.9,
        size_ha=12.0,
        established=date(2012, 3, 1),
        contact_phone="+82 10-5555-0001",
        contact_email="sdk@pamtalk.kr",
        crops=[Crop.CABBAGE],
    )
    farm = register_farm.sync(client=farmer, body=farm_in)
    assert isinstance(farm, FarmOut)

    # public reads: with the plain client, a filter, typed pages; an unknown farm is a typed 404
    page = poll(
        lambda: (
            (
                p := list_farms.sync(
                    client=public,
                    region=Region.JEONNAM,
                    crop=[
                        Crop.CABBAGE,
                    ],
                )
            )
            and any(f.id == farm.id for f in p.items)  # type: ignore[union-attr]
            and p
        )
    )
    assert isinstance(page, PageFarmOut) and all(f.region == Region.JEONNAM for f in page.items)
    problem(get_farm.sync_detailed(client=public, farm_id=uuid.uuid4()), 404)
    forecast = forecast_demand.sync(client=public, crop=Crop.CABBAGE, region=ForecastRegion.JEONNAM, days=3)
    assert isinstance(forecast, ForecastOut) and len(forecast.points) == 3

    # a trade with an Idempotency-Key; the retry is the first answer again, nothing written twice
    key = str(uuid.uuid4())
    offer = TradeIn(farm_id=farm.id, crop=Crop.CABBAGE, quantity=100.0, unit_price=3000.0)
    first = poll(  # the transaction service learns of the new farm from its event
        lambda: (
            (a := create_trade.sync_detailed(client=buyer, body=offer, idempotency_key=key)).status_code
            == 201
            and a
        ),
    )
    trade = first.parsed
    assert isinstance(trade, TradeOut)
    again = create_trade.sync_detailed(client=buyer, body=offer, idempotency_key=key)
    assert again.status_code == 201 and again.headers.get("idempotent-replayed") == "true"
    assert isinstance(again.parsed, TradeOut) and again.parsed.id == trade.id
    other = TradeIn(farm_id=farm.id, crop=Crop.CABBAGE, quantity=5.0, unit_price=3000.0)
    reused = problem(create_trade.sync_detailed(client=buyer, body=other, idempotency_key=key), 422)
    assert reused.type_.endswith("/idempotency-key-reused")

    confirmed = confirm_trade.sync(client=farmer, trade_id=trade.id)
    assert isinstance(confirmed, TradeOut) and confirmed.status.value == "confirmed"
    problem(confirm_trade.sync_detailed(client=farmer, trade_id=trade.id), 409)  # not twice
    settled = settle_trade.sync(client=buyer, trade_id=trade.id)
    assert isinstance(settled, TradeOut) and settled.status.value == "settled"

    # both sides are notified: typed by kind, the trade named trade_id
    expected = {"trade.created", "trade.confirmed", "trade.settled"}

    def notified(reader: AuthenticatedClient) -> set[str] | None:
        page = list_notifications.sync(client=reader)
        assert isinstance(page, NotificationPage)
        kinds = {
            n.kind.value
            for n in page.items
            if isinstance(n, TradeNotification) and n.data.trade_id == trade.id
        }
        return kinds if kinds >= expected else None

    poll(lambda: notified(farmer))
    poll(lambda: notified(buyer))

    wallets = list_my_wallets.sync(client=farmer)
    assert isinstance(wallets, MyWalletsOut)

    # the settled trade is in the ledger: its bundle verifies offline with the published key
    entries = poll(
        lambda: (
            (p := list_ledger_entries.sync(client=public, reference=f"trade:{trade.id}")) and p.items and p
        ),  # type: ignore[union-attr]
        within=60,
    )
    index = entries.items[0].entry.index
    key_out = get_ledger_public_key.sync(client=public)
    bundle = poll(lambda: get_proof_bundle.sync(client=public, index=index), within=60)
    verdict = verify_bundle(bundle.to_dict(), public_key=load_public_key(key_out.pem))  # type: ignore[union-attr]
    assert verdict.valid, verdict.reason
    problem(get_proof_bundle.sync_detailed(client=public, index=10**9), 404)
