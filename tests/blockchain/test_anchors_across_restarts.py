"""Anchors outlive the service (issue 16, finding 12): the in-process chain is kept in its
file, so a bundle whose anchor was made before a restart still checks, with the partner's
verifier run as a process, against the restarted service's chain endpoint, and anchoring
goes on on the same contract. A chain file that cannot be used costs a new chain, not the
start-up."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tests.blockchain.conftest import Starter
from tests.blockchain.support import LEDGER, ROOT, User, serve, settle, settled, state_of, verify
from tests.embedded_process import embedded_platform
from tests.waiting import eventually

pytestmark = [pytest.mark.integration, pytest.mark.slow]


async def anchored_past(client: httpx.AsyncClient, farmer: User, app: FastAPI, value: int) -> dict[str, Any]:
    """Settle a trade, wait until an anchor covers it; the entry and that anchor."""
    entry = await settle(client, app, settled(farmer.id, value, esg=88.0))
    index = entry["entry"]["index"]

    async def covering() -> dict[str, Any] | None:
        items = (await client.get(f"{LEDGER}/anchors")).json()["items"]
        return items[0] if items and items[0]["tree_size"] > index else None

    return {"entry": entry, "anchor": await eventually(covering, within=60)}


async def test_an_anchor_made_before_a_restart_checks_against_the_restarted_service(
    anchoring: Starter, farmer: User, tmp_path: Path
) -> None:
    chain_file = tmp_path / "chain" / "chain.sqlite3"
    async with anchoring(chain_file) as (client, app):
        assert state_of(app).in_process_chain
        before = await anchored_past(client, farmer, app, 2_345_000)
        chain = (await client.get(f"{LEDGER}/chain")).json()
        index = before["entry"]["entry"]["index"]
        bundle = tmp_path / "bundle.json"
        bundle.write_bytes((await client.get(f"{LEDGER}/entries/{index}/bundle")).content)
        key = tmp_path / "pamtalk-ledger.pem"
        key.write_text((await client.get(f"{LEDGER}/public-key")).json()["pem"])
    # That process of the service has ended; a new one starts on the same data folder.
    async with anchoring(chain_file) as (client, app):
        assert (await client.get(f"{LEDGER}/chain")).json() == chain
        async with serve(app) as base:
            args = ["--anchor", "--rpc", base + chain["rpc_path"], "--contract", chain["contract_address"]]
            code, out = await verify(str(bundle), "--public-key", str(key), *args)
            assert code == 0 and "covers this entry" in out, out

        after = await anchored_past(client, farmer, app, 3_456_000)  # the same account anchors on
        assert after["anchor"]["contract_address"] == chain["contract_address"]
        assert after["anchor"]["block_number"] > before["anchor"]["block_number"]


async def test_the_service_starts_on_an_unusable_chain_file_with_a_new_chain(
    anchoring: Starter, farmer: User, tmp_path: Path
) -> None:
    chain_file = tmp_path / "chain" / "chain.sqlite3"
    async with anchoring(chain_file) as (client, _):
        old = (await client.get(f"{LEDGER}/chain")).json()["contract_address"]
    chain_file.write_bytes(b"\x00" * 8192)

    async with anchoring(chain_file) as (client, app):
        assert (await client.get("/readyz")).status_code == 200
        new = (await client.get(f"{LEDGER}/chain")).json()["contract_address"]
        assert new != old
        assert len(list(chain_file.parent.glob("chain.sqlite3.broken-*"))) == 1
        assert (await anchored_past(client, farmer, app, 1_234_000))["anchor"]["contract_address"] == new
        anchorer = state_of(app).anchorer
        assert anchorer is not None and await anchorer.report_other_chains() >= 1


def test_make_run_keeps_its_anchors_checkable_across_a_restart(tmp_path: Path) -> None:
    """The embedded platform (``python -m gateway.embedded``, what ``make run`` starts) twice
    on one data folder: a bundle downloaded from the first run checks against the second."""
    data = tmp_path / "data"
    data.mkdir()
    fast = {
        "PAMTALK_BLOCKCHAIN_ANCHOR_POLL_SECONDS": "0.2",
        "PAMTALK_BLOCKCHAIN_IN_PROCESS_ANCHOR_EVERY_SECONDS": "0.5",
    }
    with embedded_platform(data, ready_seconds=120, env=fast) as url:
        deadline = time.monotonic() + 180  # the demo data's ESG assessments are ledger entries
        while not httpx.get(f"{url}{LEDGER}/anchors", timeout=10).json()["items"]:
            assert time.monotonic() < deadline, "nothing anchored in 180 s"
            time.sleep(0.5)
        chain = httpx.get(f"{url}{LEDGER}/chain", timeout=10).json()
        bundle = tmp_path / "bundle.json"
        bundle.write_bytes(httpx.get(f"{url}{LEDGER}/entries/0/bundle", timeout=10).content)
        assert json.loads(bundle.read_text()).get("anchor")
        key = tmp_path / "pamtalk-ledger.pem"
        key.write_text(httpx.get(f"{url}{LEDGER}/public-key", timeout=10).json()["pem"])

    with embedded_platform(data, ready_seconds=120, env=fast) as url:
        args = ["--anchor", "--rpc", url + chain["rpc_path"], "--contract", chain["contract_address"]]
        command = [sys.executable, "-m", "services.blockchain.ledger.verify", str(bundle), "--public-key"]
        done = subprocess.run(
            [*command, str(key), *args], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False
        )
        assert done.returncode == 0 and "covers this entry" in done.stdout, done.stdout + done.stderr
    assert (data / "chain" / "chain.sqlite3").exists()  # the chain is in the data folder
