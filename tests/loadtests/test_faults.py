"""The fault drill, short: ``python -m loadtests.faults`` at a low rate with each fault early in
a 15 s phase (the full-length figures are a benchmark: docs/performance.md, "Faults under
load"). Its own PostgreSQL restarts, its own Redis restarts and RabbitMQ is cut off for 5 s
through a proxy while the distributed mode takes the load tool's mix; no answer may be a 500,
nothing acknowledged may be lost (trades, confirmations, farms, ESG submissions, and every
settled trade's ledger entry and notifications), and every instance stays ready while the
broker is away. The machine's own servers are not touched."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from gateway.datatier import PG_BIN
from tests.services_available import require, require_nginx

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.slow, pytest.mark.integration, pytest.mark.e2e]


def _port_offset() -> str:
    """Beside the end-to-end tests' platform (``PAMTALK_E2E_PORT_OFFSET``), never on it."""
    return str(int(os.environ.get("PAMTALK_E2E_PORT_OFFSET") or 1000) + 50)


def test_a_short_drill_answers_no_500_and_loses_nothing(tmp_path: Path) -> None:
    require_nginx()
    require("rabbitmq")
    if not (PG_BIN / "pg_ctl").exists():
        pytest.skip(f"no PostgreSQL binaries in {PG_BIN}")
    cmd = [sys.executable, "-m", "loadtests.faults", "--duration", "15", "--fault-at", "5"]
    cmd += ["--outage", "5", "--users", "30", "--rps", "8", "--journey-every", "1"]
    cmd += ["--port-offset", _port_offset(), "--out", str(tmp_path)]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)
    output = done.stdout[-6000:] + done.stderr[-3000:]
    assert done.returncode in (0, 1), output  # 2: the drill could not be run
    phases = {p["phase"]: p for p in json.loads((tmp_path / "faults.json").read_text())["phases"]}
    assert list(phases) == ["postgresql", "redis", "rabbitmq"], output
    for name, phase in phases.items():
        assert not phase["status_5xx"].get("500"), (name, phase["status_5xx"], output)
        assert phase["lost_writes"] == 0 and not phase["unverified_writes"], (name, phase["writes"])
        journeys = phase["journeys"]
        assert journeys["trades_settled"] > 0, (name, journeys)
        assert journeys["ledger_missing"] == 0 and journeys["notifications_missing"] == 0, (name, journeys)
    rabbitmq = phases["rabbitmq"]
    assert rabbitmq["readiness_polls"] > 0 and not rabbitmq["not_ready"], rabbitmq["readiness"]
