"""What docs/ledger-verification.md tells a partner to do, end to end, against the service
as the embedded mode runs it (its own in-process chain): download the bundle and the public
key over HTTP, run ``python -m services.blockchain.ledger.verify`` as a separate process, and check
the anchor through the service's read-only chain endpoint."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import httpx
import pytest

from services.blockchain.app import create_app
from tests.blockchain.support import LEDGER, User, eventually, serve, settle, settled, state_of
from tests.conftest import TokenFactory, service_client

pytestmark = [pytest.mark.integration, pytest.mark.slow]
ROOT = Path(__file__).parents[2]


async def verify(*args: str) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "services.blockchain.ledger.verify",
        *args,
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await asyncio.wait_for(process.communicate(), timeout=60)
    return process.returncode or 0, out.decode()


async def test_a_partner_proves_a_settled_trade_against_an_anchored_root(
    database_url: str, redis_url: str, tokens: TokenFactory, farmer: User, tmp_path: Path
) -> None:
    async with service_client(
        create_app,
        service="blockchain",
        database_url=database_url,
        redis_url=redis_url,
        tokens=tokens,
        anchor_every_entries=1,
        anchor_poll_seconds=0.05,
    ) as (client, app):
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
    async with service_client(
        create_app,
        service="blockchain",
        database_url=database_url,
        redis_url=redis_url,
        tokens=tokens,
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
