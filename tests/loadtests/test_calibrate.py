"""calibrate's two modes: find-max steps, or a named scenario run as performance_test runs it,
and the figures it reports for a scenario (pure parts: no nginx, no Locust)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import psutil
import pytest

from loadtests import calibrate, latency

ROOT = Path(__file__).resolve().parents[2]


def test_scenario_mode_runs_the_scenarios_users_ramp_and_rate(tmp_path: Path) -> None:
    config = calibrate._config(calibrate.parse(["--scenario", "spike", "--duration", "60"]), tmp_path)
    assert config["scenario"] == {
        "name": "spike", "users": 10000, "rps": 500, "duration": 60, "shape": "linear", "ramp": 30,
    }  # fmt: skip
    assert config["find_max"] is None  # no rate steps: the scenario's own pacing
    assert config["idle_close"] == 60  # connections kept as behind nginx
    assert config["host"] == "http://127.0.0.1:13999"


def test_scenario_overrides_and_find_max_default(tmp_path: Path) -> None:
    args = calibrate.parse(["--scenario", "peak", "--users", "200", "--rps", "40", "--ramp", "5"])
    sc = calibrate._config(args, tmp_path)["scenario"]
    assert (sc["users"], sc["rps"], sc["ramp"], sc["shape"]) == (200, 40, 5, "exponential")
    fm = calibrate._config(calibrate.parse(["--port", "13998"]), tmp_path)
    assert fm["scenario"]["users"] == 300 and fm["find_max"]["start"] == 1000
    assert fm["host"].endswith(":13998")
    with pytest.raises(SystemExit):
        calibrate.parse(["--scenario", "nope"])


def _second(t: int, n: int, lag_ms: float, cpu_ms: float) -> dict:
    hist = latency.to_json({1.0: n})
    return {"t": t, "n": n, "err": 0, "answered": n, "offered": n, "hist": hist,
            "lag": latency.to_json({lag_ms: n}), "cpu_ms": cpu_ms}  # fmt: skip


def test_scenario_figures_at_full_load_leave_the_ramp_out() -> None:
    # 10 s ramp (few requests, late sends, costly), then 20 s at 100 req/s costing 30 ms CPU a second
    seconds = [_second(t, 10, 200.0, 50.0) for t in range(12)]
    seconds += [_second(t, 100, 2.0, 30.0) for t in range(12, 30)]
    scenario = {"name": "spike", "users": 100, "rps": 100, "duration": 30, "shape": "linear", "ramp": 10}
    raw = {"config": {"scenario": scenario}, "duration": 30, "drain": 0, "seconds": seconds,
           "endpoints": {}, "not_sent": 0, "tool_errors": {}}  # fmt: skip
    figures = calibrate.scenario_figures(raw)
    full = figures["full load"]
    assert (full["seconds"], full["offered_rps"], full["achieved_rps"]) == (18, 100.0, 100.0)
    assert full["send_lag_p99_ms"] == 2.0
    assert full["generator_cpu_ms"] == 0.3  # 30 ms of CPU for 100 requests
    assert figures["whole run"]["send_lag_p99_ms"] == 200.0
    report = "\n".join(calibrate.scenario_report(raw))
    assert "0.3 ms/request (3 % of a core)" in report and "answered 100 req/s" in report
    assert "stub CPU" not in report  # nothing of the stub measured, nothing said of it


def test_stub_cpu_is_reported_per_request_answered() -> None:
    seconds = [_second(t, 100, 2.0, 30.0) for t in range(10)]
    scenario = {"name": "normal", "users": 100, "rps": 100, "duration": 10, "shape": "linear", "ramp": 1}
    raw = {"config": {"scenario": scenario}, "duration": 10, "drain": 0, "seconds": seconds,
           "endpoints": {name: {"count": n, "errors": 0, "hist": latency.to_json({1.0: n}), "statuses": {}}
                         for name, n in (("GET /a", 600), ("POST /b", 400))},
           "not_sent": 0, "tool_errors": {}}  # fmt: skip
    report = calibrate.scenario_report(raw, {"nginx": 0.1, "empty app": 0.4})
    line = next(line for line in report if "stub CPU" in line)
    expected = "stub CPU (whole run, 1000 requests): 0.500 ms/request (nginx 0.100, empty app 0.400)"
    assert line.strip() == expected


def test_cpu_seconds_counts_a_process_and_what_it_started() -> None:
    # as nginx's master and workers: the parent idles, the process it started does the work
    child = (
        "import sys, time\nend = time.process_time() + 0.4\nwhile time.process_time() < end: pass\n"
        "print('done', flush=True)\nsys.stdin.read()"
    )
    parent_code = (
        "import subprocess, sys\n"
        f"subprocess.run([sys.executable, '-c', {child!r}], stdin=sys.stdin, stdout=sys.stdout)"
    )
    parent = subprocess.Popen(
        [sys.executable, "-c", parent_code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert parent.stdout is not None and parent.stdout.readline().strip() == "done"
        own = sum(psutil.Process(parent.pid).cpu_times()[:2])
        assert own < 0.3  # the parent only waited
        assert calibrate.cpu_seconds([parent.pid]) >= own + 0.35  # its child's 0.4 s counted
        assert calibrate.cpu_seconds([parent.pid, 2**22 + 12345]) >= own + 0.35  # a gone pid: skipped
    finally:
        parent.communicate("")


def test_empty_app_mode_proxies_to_its_processes_with_keepalive(tmp_path: Path) -> None:
    args = calibrate.parse(["--port", "13990", "--empty-app", "2"])
    assert calibrate.app_ports(args) == [13991, 13992]
    conf = calibrate.nginx_conf(args, tmp_path)
    assert "server 127.0.0.1:13991; server 127.0.0.1:13992; keepalive 64;" in conf
    assert "proxy_pass http://app" in conf and 'proxy_set_header Connection ""' in conf
    assert "listen 127.0.0.1:13990;" in conf and "return 201" not in conf
    stub = calibrate.nginx_conf(calibrate.parse(["--port", "13990"]), tmp_path)
    assert "return 201" in stub and "proxy_pass" not in stub  # without it nginx answers itself


@pytest.mark.slow
@pytest.mark.parametrize(
    ("port", "extra", "rps"),
    [("13998", [], 100), ("13994", ["--empty-app", "1"], 80)],
    ids=["nginx answers", "empty app behind nginx"],
)
def test_calibrate_runs_a_scenario_against_the_stub(port: str, extra: list[str], rps: int) -> None:
    if not (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()):
        pytest.skip("nginx is not installed")
    cmd = [sys.executable, "-m", "loadtests.calibrate", "--scenario", "smoke", "--port", port, *extra]
    cmd += ["--users", "200", "--rps", str(rps), "--duration", "8", "--ramp", "2"]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    full = next(line for line in done.stdout.splitlines() if "full load" in line)
    offered = float(full.split("offered ")[1].split(" ")[0])
    answered = float(full.split("answered ")[1].split(" ")[0])
    assert 0.7 * rps < offered < 1.3 * rps and abs(answered - offered) <= 0.05 * offered, full
    assert "errors 0" in full and "ms/request" in full  # every POST got the status the mix expects
    # the stub's own CPU per request answered: nginx, and the empty application when there is one
    stub = [line for line in done.stdout.splitlines() if "stub CPU" in line]
    assert len(stub) == 1 and "(nginx " in stub[0], done.stdout
    assert ("empty app " in stub[0]) == bool(extra), stub
    assert float(stub[0].split("): ")[1].split(" ms/request")[0]) > 0, stub
    left = subprocess.run(["pgrep", "-f", "loadtests.empty_app:app"], capture_output=True, check=False)
    assert left.returncode == 1, "the empty application's process was left running"
