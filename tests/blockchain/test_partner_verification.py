"""What docs/ledger-verification.md tells a partner to do, end to end, against the service
as the embedded mode runs it (its own in-process chain): download the bundle and the public
key over HTTP, run ``python -m services.blockchain.ledger.verify`` as a separate process, and check
the anchor through the service's read-only chain endpoint."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.blockchain.conftest import Starter
from tests.blockchain.support import (
    LEDGER,
    User,
    ledger_service,
    serve,
    settle,
    settled,
    state_of,
    verify,
)
from tests.conftest import TokenFactory
from tests.waiting import eventually

pytestmark = [pytest.mark.integration, pytest.mark.slow]


async def test_a_partner_proves_a_settled_trade_against_an_anchored_root(
    anchoring: Starter, farmer: User, tmp_path: Path
) -> None:
    async with anchoring() as (client, app):
        assert state_of(app).in_process_chain
        event = settled(farmer.id, 1_234_000, esg=91.0)
        await settle(client, app, event)
        size = (await client.get(f"{LEDGER}/heads/latest")).json()["tree_size"]

        async def anchored() -> bool:
            items = (await client.get(f"{LEDGER}/anchors")).json()["items"]
            return bool(items) and items[0]["tree_size"] >= size

        await eventually(anchored)
        chain = (await client.get(f"{LEDGER}/chain")).json()
        assert chain["mode"] == "in-process" and chain["rpc_path"] == f"{LEDGER}/chain/rpc"

        async with serve(app) as base:
            async with httpx.AsyncClient(base_url=base) as partner:
                found = await partner.get(
                    f"{LEDGER}/entries", params={"reference": f"trade:{event.transaction_id}"}
                )
                index = found.json()["items"][0]["entry"]["index"]
                bundle = tmp_path / "bundle.json"
                bundle.write_bytes((await partner.get(f"{LEDGER}/entries/{index}/bundle")).content)
                key = tmp_path / "pamtalk-ledger.pem"
                key.write_text((await partner.get(f"{LEDGER}/public-key")).json()["pem"])
                write = {"jsonrpc": "2.0", "id": 7, "method": "eth_sendRawTransaction", "params": ["0x00"]}
                refused = (await partner.post(chain["rpc_path"], json=write)).json()
                assert refused["id"] == 7 and refused["error"]["code"] == -32601 and "result" not in refused

            code, out = await verify(str(bundle), "--public-key", str(key))
            assert code == 0 and out.startswith("VALID"), out
            rpc = base + chain["rpc_path"]
            args = ["--anchor", "--rpc", rpc, "--contract", chain["contract_address"]]
            code, out = await verify(str(bundle), "--public-key", str(key), *args)
            assert code == 0 and "covers this entry" in out, out

            tampered = tmp_path / "tampered.json"
            tampered.write_text(bundle.read_text().replace('"1234000"', '"1234001"'))
            code, out = await verify(str(tampered), "--public-key", str(key), *args)
            assert code == 1 and out.startswith("INVALID"), out


LOOSE_CALLS = (
    ({"id": 1, "method": "eth_chainId", "extra": 1}, "extra"),
    ({"id": True, "method": "eth_chainId"}, "id"),
    ({"id": 1, "method": 5}, "method"),
)


async def test_the_chain_endpoint_only_reads(database_url: str, redis_url: str, tokens: TokenFactory) -> None:
    async with ledger_service(
        database_url,
        redis_url,
        tokens,
        anchor_enabled=False,
    ) as (client, _):
        off = await client.post(f"{LEDGER}/chain/rpc", json={"id": 1, "method": "eth_chainId"})
        assert off.status_code == 404
        for body, field in LOOSE_CALLS:  # a body is judged first: strict JSON-RPC or a 422
            loose = await client.post(f"{LEDGER}/chain/rpc", json=body)
            assert loose.status_code == 422, (body, loose.text)
            assert loose.headers["content-type"] == "application/problem+json"
            fields = [e["field"] for e in loose.json()["errors"]]
            assert any(f == field or f.startswith(f"{field}.") for f in fields), fields  # id.int, id.str
        assert (await client.get(f"{LEDGER}/chain")).json() == {
            "anchoring": False,
            "mode": "off",
            "contract_address": None,
            "chain_id": None,
            "rpc_path": None,
        }
        assert (await client.get(f"{LEDGER}/anchors")).status_code == 200
