"""What the load generator records while it runs (plain Python; used inside the Locust process).

Per second of the run: requests, failures, unanswered ones (status 0), a latency histogram,
the arrivals offered, the arrivals answered (an arrival is one action of a user: one request,
or two when a farmer looks up a trade before confirming it) and the users active. Per
endpoint: a histogram, the exact maximum, the status codes, the failures by status and a few
failure examples. Also the lag
of each send behind its schedule (a busy load generator shows up here, not as server time),
and the generator's own CPU time per second (``cpu_ms``: what the tool costs per request).
"""

from __future__ import annotations

import time
from typing import Any

from loadtests import latency

MAX_EXAMPLES = 5


class Collector:
    def __init__(self) -> None:
        self.t0: float | None = None
        self.seconds: dict[int, dict[str, Any]] = {}
        self.endpoints: dict[str, dict[str, Any]] = {}
        self.lag: latency.Histogram = {}
        self.offered_total = 0
        self.not_sent = 0
        self.open_at_end = 0
        self._cpu = 0.0

    def start(self) -> None:
        self.t0 = time.time()
        self._cpu = time.process_time()

    def _second(self, now: float | None = None) -> dict[str, Any] | None:
        if self.t0 is None:
            return None
        t = int((now or time.time()) - self.t0)
        row = self.seconds.get(t)
        if row is None:
            row = {
                "t": t,
                "n": 0,
                "err": 0,
                "unanswered": 0,
                "answered": 0,
                "offered": 0,
                "users": 0,
                "hist": {},
                "lag": {},
            }
            self.seconds[t] = row
        return row

    def offer(self, lag_s: float) -> None:
        row = self._second()
        if row is None:
            return
        row["offered"] += 1
        self.offered_total += 1
        ms = lag_s * 1000 if lag_s > 0 else 0.0
        latency.add(self.lag, ms)
        latency.add(row["lag"], ms)

    def arrival_done(self, answered: bool) -> None:
        """An arrival's requests are over: ``answered`` unless none of them got an answer."""
        row = self._second()
        if row is not None and answered:
            row["answered"] += 1

    def dropped(self) -> None:
        """An arrival not sent: too many requests of this generator already in flight."""
        self.not_sent += 1
        self._unanswered("(not sent: generator limit)", 1, "in-flight limit")

    def unfinished(self, count: int) -> None:
        """Requests still open when the run ended (after the drain): failures without answer."""
        self.open_at_end += count
        if count:
            self._unanswered("(no answer by the end of the run)", count, "still open after the drain")

    def _unanswered(self, name: str, count: int, message: str) -> None:
        row = self._second()
        if row is not None:
            row["unanswered"] += count
            row["n"] += count
            row["err"] += count
        for _ in range(count):
            self._endpoint(name, 0.0, "0", failed=True, message=message)

    def users(self, count: int, in_flight: int) -> None:
        """Called about once a second: the users and open arrivals now, and this process's
        CPU time since the last call."""
        row = self._second()
        if row is not None:
            row["users"] = count
            row["in_flight"] = in_flight
            cpu, self._cpu = self._cpu, time.process_time()
            row["cpu_ms"] = row.get("cpu_ms", 0.0) + round((self._cpu - cpu) * 1000, 1)

    def on_request(
        self,
        request_type: str = "",
        name: str = "",
        response_time: float = 0.0,
        response: Any = None,
        exception: Any = None,
        **_: Any,
    ) -> None:
        row = self._second()
        if row is None:  # before the load began (setup): not part of the run
            return
        status = str(getattr(response, "status_code", 0) or 0)
        failed = exception is not None
        row["n"] += 1
        row["err"] += failed
        row["unanswered"] += status == "0"
        latency.add(row["hist"], response_time)
        self._endpoint(name, response_time, status, failed, str(exception)[:200] if failed else "")

    def _endpoint(self, name: str, ms: float, status: str, failed: bool, message: str = "") -> None:
        e = self.endpoints.get(name)
        if e is None:
            e = {"hist": {}, "count": 0, "errors": 0, "statuses": {}, "failures_by_status": {}}
            e.update({"max_ms": 0.0, "examples": []})
            self.endpoints[name] = e
        e["count"] += 1
        latency.add(e["hist"], ms)
        e["max_ms"] = max(e["max_ms"], round(ms, 2))
        e["statuses"][status] = e["statuses"].get(status, 0) + 1
        if failed:
            e["errors"] += 1
            e["failures_by_status"][status] = e["failures_by_status"].get(status, 0) + 1
            if len(e["examples"]) < MAX_EXAMPLES and message not in e["examples"]:
                e["examples"].append(message)

    def window(self, start: float, end: float) -> list[dict[str, Any]]:
        """Seconds ``start`` <= t < ``end`` in the JSON form of ``export``."""
        return [self._json(r) for t, r in sorted(self.seconds.items()) if start <= t < end]

    @staticmethod
    def _json(row: dict[str, Any]) -> dict[str, Any]:
        return {**row, "hist": latency.to_json(row["hist"]), "lag": latency.to_json(row["lag"])}

    def export(self) -> dict[str, Any]:
        return {
            "seconds": [self._json(r) for _, r in sorted(self.seconds.items())],
            "endpoints": {
                name: {**e, "hist": latency.to_json(e["hist"])} for name, e in sorted(self.endpoints.items())
            },
            "lag": latency.summary(self.lag),
            "offered_total": self.offered_total,
            "not_sent": self.not_sent,
            "open_at_end": self.open_at_end,
        }
