"""The scenarios of the source plan's load-test section, and the load shapes over time.

``normal``, ``peak`` and ``spike`` are the plan's three scenarios; ``basic``,
``microservice`` and ``cloud`` are its phase checks (``--scenario=basic --users=1000
--rps=50``). The offered rate follows the number of active users: each virtual user makes
``rps / users`` requests a second, so while users arrive (the ramp) the rate rises with them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

LINEAR, EXPONENTIAL = "linear", "exponential"
EXP_GROWTH = math.log(100.0)  # the exponential ramp grows from 1 % to 100 % of the users


@dataclass(frozen=True)
class Scenario:
    name: str
    users: int
    rps: float
    duration: float  # seconds of load, ramp included
    shape: str = LINEAR
    ramp: float | None = None  # seconds to full load; None: a tenth of the duration, at most 30 s
    about: str = ""

    @property
    def ramp_seconds(self) -> float:
        if self.ramp is not None:
            return max(0.0, min(self.ramp, self.duration))
        if self.shape == EXPONENTIAL:
            return self.duration / 3
        return min(30.0, self.duration / 10)

    @property
    def per_user_rps(self) -> float:
        return self.rps / self.users

    def users_at(self, t: float) -> int:
        """Active virtual users ``t`` seconds into the run."""
        ramp = self.ramp_seconds
        if t >= ramp or ramp <= 0:
            return self.users
        x = max(t, 0.0) / ramp
        if self.shape == EXPONENTIAL:
            fraction = math.expm1(EXP_GROWTH * x) / math.expm1(EXP_GROWTH)
        else:
            fraction = x
        return max(1, min(self.users, round(self.users * fraction)))

    def offered_at(self, t: float) -> float:
        """Requests a second offered ``t`` seconds into the run."""
        return self.users_at(t) * self.per_user_rps

    def as_config(self) -> dict[str, object]:
        """The fields a run configuration carries (``Scenario(**...)`` reads them back)."""
        return {k: getattr(self, k) for k in ("name", "users", "rps", "duration", "shape", "ramp")}

    def override(
        self,
        users: int | None = None,
        rps: float | None = None,
        duration: float | None = None,
        ramp: float | None = None,
    ) -> Scenario:
        changes: dict[str, object] = {}
        for key, value in (("users", users), ("rps", rps), ("duration", duration), ("ramp", ramp)):
            if value is not None:
                changes[key] = value
        chosen = replace(self, **changes)  # type: ignore[arg-type]
        if chosen.users < 1 or chosen.rps <= 0 or chosen.duration <= 0:
            raise ValueError("users, rps and duration must be positive")
        return chosen


SCENARIOS: dict[str, Scenario] = {
    s.name: s
    for s in (
        Scenario("normal", 1000, 20, 300, about="plan scenario 1: normal usage"),
        Scenario("peak", 5000, 100, 1800, EXPONENTIAL, about="plan scenario 2: peak hours, exponential ramp"),
        Scenario("spike", 10000, 500, 300, ramp=30, about="plan scenario 3: spike, full load within 30 s"),
        Scenario("basic", 1000, 50, 300, about="phase 1 check (basic optimisation)"),
        Scenario("microservice", 5000, 200, 300, about="phase 2 check (microservices)"),
        Scenario("cloud", 10000, 500, 300, about="phase 3 check (cloud native)"),
        Scenario("smoke", 20, 20, 10, ramp=2, about="a quick check that the tool and platform work"),
    )
}


def resolve(
    name: str,
    users: int | None = None,
    rps: float | None = None,
    duration: float | None = None,
    ramp: float | None = None,
) -> Scenario:
    if name not in SCENARIOS:
        raise KeyError(f"unknown scenario {name!r}; known: {', '.join(SCENARIOS)}")
    return SCENARIOS[name].override(users, rps, duration, ramp)


@dataclass(frozen=True)
class FindMax:
    """Offered rate in steps: ``start``, ``start * factor`` ... up to ``limit``."""

    start: float
    factor: float = 1.5
    limit: float = 20000.0
    step_seconds: float = 15.0
    settle_seconds: float = 2.0  # the start of each step is left out of its figures

    def rates(self) -> list[float]:
        if self.start <= 0 or self.factor <= 1 or self.limit < self.start:
            raise ValueError("find-max needs start > 0, factor > 1 and limit >= start")
        rates, rate = [], self.start
        while rate <= self.limit * (1 + 1e-9):
            rates.append(round(rate, 1))
            rate *= self.factor
        return rates

    def step_at(self, t: float) -> int:
        """Index of the step running ``t`` seconds after the steps began."""
        return min(int(max(t, 0.0) // self.step_seconds), len(self.rates()) - 1)

    @property
    def duration(self) -> float:
        return self.step_seconds * len(self.rates())
