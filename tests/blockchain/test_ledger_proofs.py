"""The ledger API hands out proofs that check out with the partner's verifier alone:
inclusion against the latest signed head, bundles, consistency between heads."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from services.blockchain.ledger.bundle import verify_bundle
from services.blockchain.ledger.entry import LedgerEntry
from services.blockchain.ledger.merkle import ProofError, verify_consistency, verify_inclusion
from services.blockchain.ledger.tree_head import TreeHead, key_id, load_public_key, verify_tree_head
from services.blockchain.settings import DEV_LEDGER_KEY_FILE, BlockchainSettings
from tests.blockchain.conftest import Api
from tests.blockchain.support import LEDGER, User, settle, settled

pytestmark = pytest.mark.integration


def hashes(items: list[str]) -> list[bytes]:
    return [bytes.fromhex(h) for h in items]


async def test_an_entry_comes_with_a_proof_against_the_latest_signed_head(
    ledger_api: Api, farmer: User
) -> None:
    client, app = ledger_api
    trade = await settle(client, app, settled(farmer.id, 300_000))
    index = trade["entry"]["index"]

    key_doc = (await client.get(f"{LEDGER}/public-key")).json()
    key = load_public_key(key_doc["pem"])
    assert key_doc["key_id"] == key_id(key) == key_id(load_public_key(key_doc["raw_base64"]))
    dev_key = BlockchainSettings(env="test").tree_head_signer().public_key
    assert key_id(dev_key) == key_doc["key_id"] and DEV_LEDGER_KEY_FILE.exists()

    body = (await client.get(f"{LEDGER}/entries/{index}")).json()
    entry = LedgerEntry.from_json_obj(body["entry"])
    assert entry.leaf_hash().hex() == body["leaf_hash"]
    head = TreeHead.from_json_obj(body["tree_head"])
    verify_tree_head(head, key)
    proof = body["inclusion_proof"]
    assert proof["leaf_index"] == index and proof["tree_size"] == head.tree_size > index
    verify_inclusion(index, head.tree_size, entry.leaf_hash(), hashes(proof["hashes"]), head.root_hash)
    latest = (await client.get(f"{LEDGER}/heads/latest")).json()
    assert latest["tree_size"] >= head.tree_size


async def test_the_bundle_is_what_the_verifier_takes(ledger_api: Api, farmer: User) -> None:
    client, app = ledger_api
    trade = await settle(client, app, settled(farmer.id, 77_000))
    response = await client.get(f"{LEDGER}/entries/{trade['entry']['index']}/bundle")
    assert response.status_code == 200
    bundle: dict[str, Any] = response.json()
    assert "anchor" not in bundle  # anchoring is off in this test
    pinned = load_public_key((await client.get(f"{LEDGER}/public-key")).json()["pem"])
    verdict = verify_bundle(bundle, public_key=pinned)
    assert verdict.valid, verdict.reason
    assert "pinned key" in verdict.details[2]

    forged = copy.deepcopy(bundle)
    forged["entry"]["payload"]["value_krw"] = "770000"
    assert not verify_bundle(forged, public_key=pinned).valid
    moved = copy.deepcopy(bundle)
    moved["entry"]["index"] += 1
    moved["inclusion_proof"]["leaf_index"] += 1
    assert not verify_bundle(moved, public_key=pinned).valid


async def test_consistency_proofs_link_the_signed_heads(ledger_api: Api, farmer: User) -> None:
    client, app = ledger_api
    for value in (10_000, 20_000, 30_000):
        await settle(client, app, settled(farmer.id, value))
    page = (await client.get(f"{LEDGER}/heads", params={"limit": 2})).json()
    assert len(page["items"]) == 2 and page["next_cursor"]
    older = (await client.get(f"{LEDGER}/heads", params={"limit": 2, "cursor": page["next_cursor"]})).json()
    heads = [TreeHead.from_json_obj(h) for h in page["items"] + older["items"]]
    assert [h.tree_size for h in heads] == sorted((h.tree_size for h in heads), reverse=True)
    key = load_public_key((await client.get(f"{LEDGER}/public-key")).json()["pem"])
    for head in heads:
        verify_tree_head(head, key)
        assert (await client.get(f"{LEDGER}/heads/{head.tree_size}")).json() == head.to_json_obj()

    new, old = heads[0], heads[-1]
    body = (
        await client.get(f"{LEDGER}/consistency", params={"first": old.tree_size, "second": new.tree_size})
    ).json()
    verify_consistency(old.tree_size, new.tree_size, old.root_hash, new.root_hash, hashes(body["hashes"]))
    with pytest.raises(ProofError):
        verify_consistency(old.tree_size, new.tree_size, new.root_hash, new.root_hash, hashes(body["hashes"]))
    same = (await client.get(f"{LEDGER}/consistency", params={"first": 5, "second": 5})).json()
    assert same["hashes"] == []


async def test_what_does_not_exist_is_a_clear_4xx(ledger_api: Api, farmer: User) -> None:
    client, app = ledger_api
    await settle(client, app, settled(farmer.id, 5_000))
    size = (await client.get(f"{LEDGER}/heads/latest")).json()["tree_size"]
    for path in (f"{LEDGER}/entries/{size}", f"{LEDGER}/entries/{size}/bundle", f"{LEDGER}/heads/{size + 1}"):
        response = await client.get(path)
        assert response.status_code == 404, path
        assert response.headers["content-type"] == "application/problem+json"
    too_far = await client.get(f"{LEDGER}/consistency", params={"first": 1, "second": size + 1})
    assert too_far.status_code == 404
    backwards = await client.get(f"{LEDGER}/consistency", params={"first": 2, "second": 1})
    assert backwards.status_code == 422
    for cursor in ("garbage", "WzEsMl0", "WyJ4Il0"):  # not base64 JSON; two values; a string
        assert (await client.get(f"{LEDGER}/heads", params={"cursor": cursor})).status_code == 422
    assert (await client.get(f"{LEDGER}/entries/{2**63}")).status_code == 422
