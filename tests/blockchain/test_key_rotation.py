"""After the ledger signing key is rotated, partners still verify proofs: the service serves
the previous keys it is told about, a bundle carries the key that signed its head, and the
verifier says which key a head needs when it is given another one."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from pydantic import ValidationError

from services.blockchain.ledger.bundle import verify_bundle
from services.blockchain.ledger.tree_head import TreeHeadSigner, key_id, load_public_key, public_key_b64
from services.blockchain.ledger.verify import run
from services.blockchain.settings import BlockchainSettings
from tests.blockchain.conftest import Api
from tests.blockchain.support import LEDGER, User, ledger_service, settle, settled
from tests.conftest import TokenFactory, scratch_database

pytestmark = pytest.mark.integration

KEY_A = TreeHeadSigner.generate()
KEY_B = TreeHeadSigner.generate()
ID_A, ID_B = key_id(KEY_A.public_key), key_id(KEY_B.public_key)


@pytest.fixture
async def rotation_database() -> AsyncIterator[str]:
    """A database of its own: heads signed by test keys must not reach other tests' ledgers."""
    async with scratch_database("pamtalk_test_bckey", ("blockchain",)) as url:
        yield url


def signed_with(signer: TreeHeadSigner, *previous: TreeHeadSigner) -> dict[str, Any]:
    return {
        "ledger_signing_key": signer.private_key_pem().decode("ascii"),
        "ledger_previous_public_keys": json.dumps([public_key_b64(p.public_key) for p in previous]),
    }


def service(database: str, redis_url: str, tokens: TokenFactory, **keys: Any) -> Any:
    return ledger_service(
        database,
        redis_url,
        tokens,
        anchor_enabled=False,
        **keys,
    )


async def bundle_of(api: Api, index: int) -> dict[str, Any]:
    client, _ = api
    response = await client.get(f"{LEDGER}/entries/{index}/bundle")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_old_and_new_proofs_verify_after_a_rotation(
    rotation_database: str, redis_url: str, tokens: TokenFactory, farmer: User
) -> None:
    async with service(rotation_database, redis_url, tokens, **signed_with(KEY_A)) as (client, app):
        old = (await settle(client, app, settled(farmer.id, 100_000)))["entry"]["index"]

    async with service(rotation_database, redis_url, tokens, **signed_with(KEY_B, KEY_A)) as api:
        client, app = api
        keys = (await client.get(f"{LEDGER}/public-keys")).json()["items"]
        assert [(k["key_id"], k["current"]) for k in keys] == [(ID_B, True), (ID_A, False)]
        assert all(key_id(load_public_key(k["pem"])) == k["key_id"] for k in keys)
        assert keys[1]["raw_base64"] == public_key_b64(KEY_A.public_key)
        assert (await client.get(f"{LEDGER}/public-key")).json()["key_id"] == ID_B

        # No head signed by B yet: the old entry's bundle pairs A's head with A's key.
        bundle = await bundle_of(api, old)
        assert bundle["key_id"] == ID_A and key_id(load_public_key(bundle["public_key"])) == ID_A
        assert verify_bundle(bundle).valid
        assert verify_bundle(bundle, public_key=KEY_A.public_key).valid
        wrong = verify_bundle(bundle, public_key=KEY_B.public_key)
        assert not wrong.valid and f"signed by key {ID_A}, not by the key given" in wrong.reason

        new = (await settle(client, app, settled(farmer.id, 200_000)))["entry"]["index"]
        for index in (new, old):  # the latest head, signed by B, now covers both
            bundle = await bundle_of(api, index)
            assert bundle["key_id"] == ID_B and key_id(load_public_key(bundle["public_key"])) == ID_B
            assert verify_bundle(bundle, public_key=KEY_B.public_key).valid


async def test_a_head_signed_by_an_unlisted_key_gets_no_bundle(
    rotation_database: str, redis_url: str, tokens: TokenFactory, farmer: User
) -> None:
    async with service(rotation_database, redis_url, tokens, **signed_with(KEY_A)) as (client, app):
        old = (await settle(client, app, settled(farmer.id, 100_000)))["entry"]["index"]

    async with service(rotation_database, redis_url, tokens, **signed_with(KEY_B)) as (client, _):
        response = await client.get(f"{LEDGER}/entries/{old}/bundle")
        assert response.status_code == 500
        problem = response.json()
        assert problem["type"].endswith("ledger-key-unknown") and problem["key_id"] == ID_A
        assert ID_A in problem["detail"] and "PREVIOUS_PUBLIC_KEYS" in problem["detail"]
        keys = (await client.get(f"{LEDGER}/public-keys")).json()["items"]
        assert [(k["key_id"], k["current"]) for k in keys] == [(ID_B, True)]


async def test_the_verifier_names_the_key_a_head_needs(
    rotation_database: str, redis_url: str, tokens: TokenFactory, farmer: User, tmp_path: Any
) -> None:
    async with service(rotation_database, redis_url, tokens, **signed_with(KEY_A)) as api:
        client, app = api
        index = (await settle(client, app, settled(farmer.id, 100_000)))["entry"]["index"]
        bundle = await bundle_of(api, index)
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(bundle), encoding="utf-8")
    for signer, name in ((KEY_A, "a.pem"), (KEY_B, "b.pem")):
        (tmp_path / name).write_text(public_key_b64(signer.public_key), encoding="ascii")

    assert run([str(path), "--public-key", str(tmp_path / "a.pem")]).valid
    verdict = run([str(path), "--public-key", str(tmp_path / "b.pem")])
    assert not verdict.valid
    assert f"signed by key {ID_A}, not by the key given ({ID_B}" in verdict.reason
    # A bundle whose own key was swapped is refused the same way.
    swapped = {**bundle, "public_key": public_key_b64(KEY_B.public_key)}
    refused = verify_bundle(swapped)
    assert not refused.valid and f"signed by key {ID_A}, not by the key given" in refused.reason


def test_a_malformed_list_of_previous_keys_stops_the_start() -> None:
    for value in ("not json", '{"a": 1}', '["not a key"]', "[1]"):
        with pytest.raises(ValidationError, match="PREVIOUS_PUBLIC_KEYS"):
            BlockchainSettings(env="test", ledger_previous_public_keys=value)
    keys = BlockchainSettings(
        env="test", ledger_previous_public_keys=json.dumps([public_key_b64(KEY_A.public_key)])
    ).previous_public_keys()
    assert [key_id(k) for k in keys] == [ID_A]
