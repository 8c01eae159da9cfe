"""PAM-TALK's virtual users, for Locust (imported only by ``loadtests/runner.py``'s process).

Each virtual user is a farmer or a buyer holding one account's token (the pool prepared by
``seed.py``; ``login=user`` makes each log in when it starts). Arrivals are open-loop: every
active user makes ``rate`` requests a second on a Poisson schedule, drawn by one pacer for all
of them (``pacing.pace``: the summed stream, each arrival given to a user picked at random,
which is the same traffic as a schedule per user), and each arrival runs in a greenlet of its
own (``pacing.Workers``), so a slow answer never delays the next send. The offered rate is
the target rate however slow the platform gets; a send late on its schedule is recorded as
lag (the generator was busy), and beyond ``max_in_flight`` open requests an arrival is
counted as not sent. What each arrival does is drawn from the role's weights (``mix.py``).
"""

from __future__ import annotations

import bisect
import itertools
import random
import time
from collections import defaultdict, deque
from types import SimpleNamespace
from typing import Any

import gevent
from gevent.lock import Semaphore
from locust import FastHttpUser, LoadTestShape, task

from loadtests import data, mix, pacing
from loadtests.collector import Collector

IDLE_CLOSE = 4.0  # seconds: drop kept-alive connections before the server would (uvicorn: 5 s)
# Behind nginx (keepalive_timeout 65 s) the run configuration says 60 s: see performance_test.idle_close.
RUN = SimpleNamespace(
    scenario=None,  # scenarios.Scenario
    users_fixed=None,  # find-max: constant user count
    rate=0.0,  # requests a second of one virtual user (the find-max controller changes it)
    stopped=False,
    max_in_flight=20000,
    idle_close=IDLE_CLOSE,  # seconds a kept-alive connection may idle before it is dropped
    login_each=False,
    collector=Collector(),
    workers=pacing.Workers(),  # the greenlets running arrivals; len(): open arrivals
    active=[],  # running virtual users (the pacer's choice)
    tables={},  # role -> (keys, cumulative weights)
    accounts={},  # role -> [account]
    farms=[],  # every seeded farm: {"id", "owner", "crops"}
    active_farmers=[],  # accounts of running farmer users (trade targets)
    pending=defaultdict(deque),  # farmer email -> trade ids to confirm
    claimed=set(),
    writes={"trades": [], "confirmed": [], "farms": [], "esg": []},
    tool_errors=defaultdict(int),
    password="",
)
_turn = {mix.FARMER: itertools.count(), mix.BUYER: itertools.count()}
_locks: dict[str, Semaphore] = defaultdict(Semaphore)
_rng = random.Random()


def pace() -> None:
    """The arrivals of every active user, until the run stops (runs in a greenlet)."""
    pacing.pace(lambda: RUN.rate * len(RUN.active), _send, lambda: RUN.stopped, _rng)


def _send(due: float) -> None:
    users = RUN.active
    if not users:
        return
    if len(RUN.workers) >= RUN.max_in_flight:
        RUN.collector.offer(time.monotonic() - due)
        RUN.collector.dropped()
        return
    user = users[int(_rng.random() * len(users))]
    key = user.keys[bisect.bisect(user.cum, _rng.random() * user.cum[-1])]
    RUN.workers.submit(user.act, key, due)


def configure(config: dict[str, Any], pool: dict[str, Any], scenario: Any) -> None:
    RUN.scenario = scenario
    RUN.rate = scenario.per_user_rps
    RUN.login_each = config.get("login") == "user"
    RUN.max_in_flight = int(config.get("max_in_flight", 20000))
    RUN.idle_close = float(config.get("idle_close", IDLE_CLOSE))
    RUN.password = pool["password"]
    for role in (mix.FARMER, mix.BUYER):
        RUN.accounts[role] = [a for a in pool["accounts"] if a["role"] == role]
    RUN.farms = pool["farms"]
    by_owner = defaultdict(list)
    for farm in RUN.farms:
        by_owner[farm["owner"]].append(farm)
    for account in RUN.accounts[mix.FARMER]:
        account["farm_list"] = by_owner.get(account["email"], [])
    shares = mix.effective_shares(config.get("disabled", {}))
    for role, table in mix.role_weights(shares, config["farmer_share"]).items():
        keys = sorted(table)
        RUN.tables[role] = (keys, list(itertools.accumulate(table[k] for k in keys)))
    FarmerUser.weight = max(1, round(100 * config["farmer_share"]))
    BuyerUser.weight = max(1, 100 - FarmerUser.weight)


def renew(account: dict[str, Any], client: Any, stale: str) -> None:
    """A new access token for ``account`` (refresh, else log in); once for many callers."""
    with _locks[account["email"]]:
        if account["access"] != stale:
            return  # somebody renewed it meanwhile
        if account.get("refresh"):
            with client.post(
                "/api/v1/auth/refresh",
                json={"refresh_token": account["refresh"]},
                name=mix.BY_KEY["refresh"].name,
                catch_response=True,
            ) as r:
                if r.status_code == 200:
                    _store(account, r.json())
                    return
                if r.status_code == 401:
                    r.success()  # an expired or ended session: logging in again is the answer
                else:  # refused for another reason (a 503, a 429): the user logs in, but it counts
                    r.failure(f"{r.status_code} refresh failed")
        login(account, client)


def login(account: dict[str, Any], client: Any) -> None:
    body = {"email": account["email"], "password": RUN.password}
    with client.post(
        "/api/v1/auth/login", json=body, name=mix.BY_KEY["login"].name, catch_response=True
    ) as r:
        if r.status_code == 200:
            _store(account, r.json())
        else:
            r.failure(f"{r.status_code} login failed")


def _store(account: dict[str, Any], tokens: dict[str, Any]) -> None:
    account.update(
        access=tokens["access_token"],
        refresh=tokens["refresh_token"],
        expires=time.time() + tokens["expires_in"],
    )


class PamUser(FastHttpUser):
    abstract = True
    role = mix.BUYER
    concurrency = 16  # connections of one user's pool; its requests never wait on each other
    network_timeout = 30.0
    connection_timeout = 10.0
    max_retries = 1  # geventhttpclient retries idempotent methods only (a stale kept-alive socket)

    def on_start(self) -> None:
        self.rng = random.Random()
        accounts = RUN.accounts[self.role]
        self.account = accounts[next(_turn[self.role]) % len(accounts)]
        self.keys, self.cum = RUN.tables[self.role]
        if RUN.login_each:
            login(self.account, self.client)
        if self.role == mix.FARMER and self.account["farm_list"]:
            RUN.active_farmers.append(self.account)
        self._open, self._last_io = 0, time.monotonic()
        self._slot = len(RUN.active)
        RUN.active.append(self)  # the pacer now sends this user's arrivals

    def on_stop(self) -> None:
        if self.account in RUN.active_farmers:
            RUN.active_farmers.remove(self.account)
        slot = getattr(self, "_slot", None)
        if slot is not None:
            last = RUN.active.pop()
            if last is not self:
                RUN.active[slot], last._slot = last, slot
            self._slot = None

    def wait_time(self) -> float:
        return 3600.0  # the pacer sends the arrivals: the user's own greenlet only waits

    @task
    def idle(self) -> None:
        pass

    def act(self, key: str, due: float) -> None:
        """One arrival (in a worker greenlet): ``due`` is when the schedule wanted it sent."""
        RUN.collector.offer(time.monotonic() - due)
        me = gevent.getcurrent()
        me.sent, me.answered = 0, 0  # type: ignore[attr-defined]
        try:
            getattr(self, f"do_{key}")()
        except Exception as exc:  # a bug of the tool, not an answer of the platform
            RUN.tool_errors[f"{key}: {type(exc).__name__}: {str(exc)[:120]}"] += 1
        RUN.collector.arrival_done(me.answered > 0 or me.sent == 0)  # type: ignore[attr-defined]

    def call(self, key: str, method: str, path: str, **kwargs: Any) -> Any:
        """One request named after its endpoint; the response when its status is expected."""
        endpoint, token = mix.BY_KEY[key], self.account["access"]
        headers = {"Authorization": f"Bearer {token}", **kwargs.pop("headers", {})}
        if self._open == 0 and time.monotonic() - self._last_io > RUN.idle_close:
            # like an app's HTTP client with an idle timeout shorter than the server's keep-alive:
            # never send on a connection the server may be closing (a POST is not retried)
            self.client.client.clientpool.close()
        self._open += 1
        try:
            with self.client.request(
                method, path, name=endpoint.name, headers=headers, catch_response=True, **kwargs
            ) as r:
                me = gevent.getcurrent()
                me.sent = getattr(me, "sent", 0) + 1  # type: ignore[attr-defined]
                me.answered = getattr(me, "answered", 0) + (r.status_code != 0)  # type: ignore[attr-defined]
                if r.status_code in endpoint.ok:
                    r.success()
                    return r
                r.failure(f"{r.status_code} {(r.text or repr(getattr(r, 'error', '')))[:160]}")
        finally:
            self._open -= 1
            self._last_io = time.monotonic()
        if r.status_code == 401:
            renew(self.account, self.client, token)
        return None

    # reads
    def do_dashboard(self) -> None:
        self.call("dashboard", "GET", "/api/v1/dashboard")

    def do_farm_list(self) -> None:
        self.call("farm_list", "GET", f"/api/v1/farms?{data.farm_filters(self.rng)}")

    def do_farm_detail(self) -> None:
        self.call("farm_detail", "GET", f"/api/v1/farms/{self.rng.choice(RUN.farms)['id']}")

    def do_my_trades(self) -> None:
        self.call("my_trades", "GET", "/api/v1/transactions?limit=20")

    def do_my_notifications(self) -> None:
        self.call("my_notifications", "GET", "/api/v1/notifications?limit=20")

    # AI
    def do_forecast(self) -> None:
        self.call("forecast", "GET", f"/api/v1/predictions/demand?{data.forecast_query(self.rng)}")


class FarmerUser(PamUser):
    role = mix.FARMER
    weight = 30

    def do_farm_register(self) -> None:
        r = self.call(
            "farm_register", "POST", "/api/v1/farms", json=data.farm(self.rng, self.account["email"])
        )
        if r is not None:
            RUN.writes["farms"].append([r.json()["id"], self.account["email"]])

    def do_trade_confirm(self) -> None:
        queue, trade_id = RUN.pending[self.account["email"]], None
        while queue and trade_id is None:
            candidate = queue.popleft()
            trade_id = None if candidate in RUN.claimed else candidate
        if trade_id is None:  # nothing queued for me: look up my pending trades, as the app does
            r = self.call("pending_trades", "GET", "/api/v1/transactions?status=pending&limit=20")
            mine = [
                t["id"]
                for t in (r.json()["items"] if r is not None else [])
                if t["producer_id"] == self.account["id"] and t["id"] not in RUN.claimed
            ]
            if not mine:
                return
            trade_id = self.rng.choice(mine)
        RUN.claimed.add(trade_id)
        if self.call("trade_confirm", "POST", f"/api/v1/transactions/{trade_id}/confirm") is not None:
            RUN.writes["confirmed"].append([trade_id, self.account["email"]])

    def do_esg_submit(self) -> None:
        if not self.account["farm_list"]:
            return  # a farmer of the pool without a farm (the seed gives each one): nothing to submit
        farm = self.rng.choice(self.account["farm_list"])
        r = self.call("esg_submit", "POST", f"/api/v1/farms/{farm['id']}/esg", json=data.esg(self.rng))
        if r is not None:
            RUN.writes["esg"].append([r.json()["id"], farm["id"], self.account["email"]])


class BuyerUser(PamUser):
    role = mix.BUYER
    weight = 70

    def do_trade_create(self) -> None:
        if RUN.active_farmers:  # a farm whose owner is online, so the trade gets confirmed
            farm = self.rng.choice(self.rng.choice(RUN.active_farmers)["farm_list"])
        else:
            farm = self.rng.choice(RUN.farms)
        body = data.trade(self.rng, farm["id"], farm["crops"])
        headers = {"Idempotency-Key": data.idempotency_key()}
        r = self.call("trade_create", "POST", "/api/v1/transactions", json=body, headers=headers)
        if r is not None:
            trade_id = r.json()["id"]
            RUN.writes["trades"].append([trade_id, self.account["email"]])
            RUN.pending[farm["owner"]].append(trade_id)


class ScenarioShape(LoadTestShape):
    """Active users over time: the scenario's ramp, or a constant count for find-max."""

    def tick(self) -> tuple[int, float]:
        if RUN.users_fixed is not None:
            return RUN.users_fixed, max(1.0, RUN.users_fixed / max(RUN.scenario.ramp_seconds, 1.0))
        t = self.get_run_time()
        target = RUN.scenario.users_at(t + 1)
        current = self.runner.user_count if self.runner else 0
        return target, max(1.0, abs(target - current) * 1.2)
