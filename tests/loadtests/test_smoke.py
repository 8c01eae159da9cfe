"""The tool end to end: a 10 s run at 20 req/s against an embedded platform of its own.

Starts ``python -m gateway.embedded`` on a free port with a fresh data folder, runs
``loadtests/performance_test.py --scenario smoke`` as a separate process (Locust stays out of
this one), and reads its result.json: every endpoint the platform has was called, there is
a verdict, and no acknowledged write was lost.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from cryptography.hazmat.primitives import serialization

from loadtests import mix
from services.user.keys import DEV_KEY_FILE
from tests.embedded_process import embedded_platform

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def embedded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with embedded_platform(tmp_path_factory.mktemp("embedded-data")) as url:
        yield url


def test_smoke_run(embedded: str, tmp_path: Path) -> None:
    out = tmp_path / "result"
    env = {**os.environ, "PAMTALK_LOAD_STATE_DIR": str(tmp_path / "state")}
    cmd = [sys.executable, "loadtests/performance_test.py", "--scenario=smoke", f"--host={embedded}"]
    cmd += [f"--out={out}", "--drain=5"]
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode in (0, 1), done.stdout + done.stderr  # 1: FAIL verdict on a busy machine
    assert "VERDICT:" in done.stdout and "users" in done.stdout  # progress lines and the end

    result = json.loads((out / "result.json").read_text())
    assert result["verdict"]["verdict"] in ("PASS", "FAIL")
    assert {c["limit"].split()[0] for c in result["verdict"]["checks"]} >= {"p50", "p95", "p99", "errors"}
    expected = {e.name for e in mix.MIX if e.key not in result["skipped_endpoints"]}
    assert expected <= set(result["endpoints"]), sorted(expected - set(result["endpoints"]))
    assert result["overall"]["count"] > 100
    assert result["writes"]["lost_writes"] == 0
    assert result["writes"]["trades"]["acknowledged"] > 0
    assert result["timeline"] and result["resources"]["platform_cpu_pct_mean"] is not None
    assert "embedded" in result["resources"]["groups"]
    assert (out / "report.html").read_text().count("<svg") == 4


def test_the_embedded_platform_signs_with_keys_of_its_own(embedded: str) -> None:
    """Not with the development keys in the repository: anyone has those."""
    dev = serialization.load_pem_private_key(DEV_KEY_FILE.read_bytes(), password=None).public_key()
    raw = dev.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    dev_x = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    served = httpx.get(f"{embedded}/.well-known/jwks.json", timeout=5).json()["keys"]
    assert served and dev_x not in {key["x"] for key in served}
