"""The open-loop pacing of the load generator: the offered rate is the target rate, arrivals
are Poisson, a rate change takes effect at once, slow answers never hold back a send, and the
greenlets running arrivals are reused. Runs gevent in a child process (it patches its process).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = r"""
from gevent import monkey; monkey.patch_all()
import json, random, statistics, time
import gevent
from loadtests.pacing import Workers, pace

state = {"rate": 800.0, "stop": False}
times, lags, workers = [], [], Workers()

def slow_answer(due):
    lags.append(time.monotonic() - due)
    gevent.sleep(0.5)  # a server that takes half a second

def send(due):
    times.append(due)
    workers.submit(slow_answer, due)

pacer = gevent.spawn(pace, lambda: state["rate"], send, lambda: state["stop"], random.Random(7))
gevent.sleep(3.0)
first = len(times)
busy_during = workers.busy
state["rate"] = 2400.0
gevent.sleep(1.0)
second = len(times) - first
state["stop"] = True
pacer.join()
workers.join(5)
gaps = [b - a for a, b in zip(times, times[1:first])]
print(json.dumps({
    "first": first, "second": second, "busy_during": busy_during, "busy_after": workers.busy,
    "cv": statistics.pstdev(gaps) / statistics.mean(gaps),
    "lag_p50": sorted(lags)[len(lags) // 2], "greenlets": len(workers._group), "jobs": len(times),
}))
"""


def _run() -> dict:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_pacing_offers_the_target_rate_whatever_the_answers_take() -> None:
    r = _run()
    # 800/s for 3 s with every answer taking 0.5 s: the sends keep their schedule
    assert 2400 * 0.85 < r["first"] < 2400 * 1.15, r
    assert 400 * 0.7 < r["busy_during"] < 400 * 1.3, r  # ~rate x 0.5 s open at once
    # a new rate holds within the pacer's nap (0.1 s)
    assert 2400 * 0.8 < r["second"] < 2400 * 1.15, r
    # Poisson: exponential gaps (coefficient of variation 1; evenly spaced sends would be 0)
    assert 0.85 < r["cv"] < 1.15, r
    assert r["lag_p50"] < 0.01, r
    # every arrival ran; greenlets were reused, not one per arrival
    assert r["busy_after"] == 0, r
    assert r["greenlets"] < r["jobs"] / 2, r
