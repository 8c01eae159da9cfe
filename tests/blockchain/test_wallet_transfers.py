"""Transfers: only the owner moves a wallet's tokens, overdrafts write nothing, and an
Idempotency-Key makes a retried transfer happen once."""

from __future__ import annotations

import uuid

import pytest

from tests.blockchain.conftest import Api
from tests.blockchain.support import DC, LEDGER, WALLETS, User, balance, fund, published, user
from tests.conftest import TokenFactory

pytestmark = pytest.mark.integration


async def ledger_size(client) -> int:  # type: ignore[no-untyped-def]
    size: int = (await client.get(f"{LEDGER}/heads/latest")).json()["tree_size"]
    return size


async def test_a_transfer_moves_tokens_and_is_one_ledger_entry(
    ledger_api: Api, farmer: User, buyer: User
) -> None:
    client, app = ledger_api
    await fund(client, app, farmer, 100)
    response = await client.post(
        f"{WALLETS}/{farmer.wallet}/transfers",
        json={"to": buyer.wallet, "amount_micro": 30 * DC + 5},
        headers=farmer.headers,
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["balance_micro"] == 70 * DC - 5 and body["to_wallet"] == buyer.wallet
    assert await balance(client, farmer.wallet) == 70 * DC - 5
    assert await balance(client, buyer.wallet) == 30 * DC + 5

    entry = (await client.get(f"{LEDGER}/entries/{body['ledger_index']}")).json()["entry"]
    assert entry["kind"] == "token_transferred" and entry["reference"] == body["reference"]
    assert entry["payload"] == {
        "from": farmer.wallet,
        "to": buyer.wallet,
        "amount_micro": 30 * DC + 5,
        "reason": "transfer",
    }
    received = (await client.get(f"{WALLETS}/me/history", headers=buyer.headers)).json()["items"]
    assert [(m["kind"], m["amount_micro"], m["counterparty"]) for m in received] == [
        ("received", 30 * DC + 5, farmer.wallet)
    ]
    sent = (await client.get(f"{WALLETS}/{farmer.wallet}/history", headers=farmer.headers)).json()["items"]
    assert sent[0]["kind"] == "sent" and sent[0]["balance_after_micro"] == 70 * DC - 5
    events = await published(app, "token.transferred", reference=body["reference"])
    assert events[-1].data["to_owner_id"] == str(buyer.id) and events[-1].data["owner_id"] == str(farmer.id)


async def test_only_the_owner_can_move_tokens(ledger_api: Api, farmer: User, buyer: User) -> None:
    client, app = ledger_api
    await fund(client, app, farmer, 10)
    body = {"to": buyer.wallet, "amount_micro": DC}
    size = await ledger_size(client)
    cases = [
        (f"{WALLETS}/{farmer.wallet}/transfers", buyer.headers, 403),  # someone else's wallet
        (f"{WALLETS}/treasury:pamtalk/transfers", buyer.headers, 403),  # nobody's wallet
        (f"{WALLETS}/0x{'12' * 20}/transfers", buyer.headers, 404),  # an unknown wallet
        (f"{WALLETS}/{farmer.wallet}/transfers", {}, 401),
        (f"{WALLETS}/{farmer.wallet}/history", buyer.headers, 403),
    ]
    for path, headers, status in cases:
        response = await client.request(
            "GET" if path.endswith("history") else "POST", path, json=body, headers=headers
        )
        assert response.status_code == status, (path, response.text)
        assert response.headers["content-type"] == "application/problem+json"
    assert await ledger_size(client) == size and await balance(client, farmer.wallet) == 10 * DC


async def test_an_overdraft_writes_nothing(ledger_api: Api, farmer: User, buyer: User) -> None:
    client, app = ledger_api
    await fund(client, app, farmer, 5)
    size = await ledger_size(client)
    response = await client.post(
        f"{WALLETS}/{farmer.wallet}/transfers",
        json={"to": buyer.wallet, "amount_micro": 5 * DC + 1},
        headers=farmer.headers,
    )
    assert response.status_code == 409
    assert (
        response.json()["type"].endswith("/insufficient-balance")
        and response.json()["balance_micro"] == 5 * DC
    )
    assert await ledger_size(client) == size
    assert await balance(client, farmer.wallet) == 5 * DC and await balance(client, buyer.wallet) == 0
    assert (await client.get(f"{WALLETS}/me/history", headers=buyer.headers)).json()["items"] == []


@pytest.mark.parametrize(
    "body",
    [
        {"to": "0x1234", "amount_micro": 1},
        {"to": "user:not-a-uuid", "amount_micro": 1},
        {"to": "treasury:pamtalk", "amount_micro": 0},
        {"to": "treasury:pamtalk", "amount_micro": -5},
        {"to": "treasury:pamtalk", "amount_micro": 1.5},
        {"to": "treasury:pamtalk", "amount_micro": "1"},
        {"to": "treasury:pamtalk", "amount_micro": 1, "memo": "extra"},
    ],
)
async def test_bad_transfers_are_422(ledger_api: Api, farmer: User, body: dict[str, object]) -> None:
    client, _ = ledger_api
    response = await client.post(f"{WALLETS}/{farmer.wallet}/transfers", json=body, headers=farmer.headers)
    assert response.status_code == 422, response.text


async def test_transfer_targets(ledger_api: Api, farmer: User, tokens: TokenFactory) -> None:
    client, app = ledger_api
    await fund(client, app, farmer, 10)
    to_self = await client.post(
        f"{WALLETS}/{farmer.wallet}/transfers",
        json={"to": farmer.wallet, "amount_micro": 1},
        headers=farmer.headers,
    )
    assert to_self.status_code == 422
    unknown = await client.post(
        f"{WALLETS}/{farmer.wallet}/transfers",
        json={"to": "0x" + "cd" * 20, "amount_micro": 1},
        headers=farmer.headers,
    )
    assert unknown.status_code == 404
    newcomer = user(tokens)  # a user never seen: their custodial wallet is made on receipt
    upper = f"user:{str(newcomer.id).upper()}"
    ok = await client.post(
        f"{WALLETS}/{farmer.wallet}/transfers",
        json={"to": upper, "amount_micro": 2 * DC},
        headers=farmer.headers,
    )
    assert ok.status_code == 201 and ok.json()["to_wallet"] == newcomer.wallet
    mine = (await client.get(f"{WALLETS}/me", headers=newcomer.headers)).json()
    assert mine == {
        "owner_id": str(newcomer.id),
        "total_micro": 2 * DC,
        "wallets": [
            {"address": newcomer.wallet, "kind": "custodial", "balance_micro": 2 * DC, "balance_dc": "2"}
        ],
    }
    assert (await client.get(f"{WALLETS}/user:{uuid.uuid4()}")).json()["balance_micro"] == 0
    assert (await client.get(f"{WALLETS}/0x{'ef' * 20}")).status_code == 404


async def test_idempotency_key_makes_a_retry_happen_once(ledger_api: Api, farmer: User, buyer: User) -> None:
    client, app = ledger_api
    await fund(client, app, farmer, 50)
    path = f"{WALLETS}/{farmer.wallet}/transfers"
    body = {"to": buyer.wallet, "amount_micro": 7 * DC}
    headers = {**farmer.headers, "Idempotency-Key": "pay-buyer-1"}
    first = await client.post(path, json=body, headers=headers)
    again = await client.post(path, json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again.headers["idempotent-replayed"] == "true"
    assert await balance(client, buyer.wallet) == 7 * DC

    other = await client.post(path, json={**body, "amount_micro": 8 * DC}, headers=headers)
    assert other.status_code == 422 and other.json()["type"].endswith("/idempotency-key-reused")
    # keys are per user: the same key of another user is another request
    back = await client.post(
        f"{WALLETS}/{buyer.wallet}/transfers",
        json={"to": farmer.wallet, "amount_micro": DC},
        headers={**buyer.headers, "Idempotency-Key": "pay-buyer-1"},
    )
    assert back.status_code == 201

    # a refused request stores nothing: once funded, the same key goes through
    big = {"to": buyer.wallet, "amount_micro": 100 * DC}
    retry_headers = {**farmer.headers, "Idempotency-Key": "pay-buyer-2"}
    assert (await client.post(path, json=big, headers=retry_headers)).status_code == 409
    await fund(client, app, farmer, 100)
    assert (await client.post(path, json=big, headers=retry_headers)).status_code == 201
    assert (await client.post(path, json=big, headers=retry_headers)).headers["idempotent-replayed"] == "true"
    assert await balance(client, buyer.wallet) == 106 * DC
