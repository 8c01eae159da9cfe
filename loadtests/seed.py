"""Accounts, farms and trades of realistic size, created through the public API (idempotent).

    python -m loadtests.seed --host http://127.0.0.1:8000 --farms 2000 --trades 100000

Accounts are ``lt-farmer-NNNNN@loadtest.pamtalk.kr`` and ``lt-buyer-NNNNN@...`` with one
password; a second run logs in (or refreshes a saved session) instead of signing up, finds
the farms it made (``mine=true``) and tops trades up to the target count of the dashboard.
What it knows is kept in ``loadtests/.state/<host>.json`` (tokens included: local use only;
``PAMTALK_LOAD_STATE_DIR`` moves the folder).
The result is the *pool* the load generator draws its virtual users' identities from.

Sign-up and login hash passwords (argon2, deliberately slow), so accounts are made with
little concurrency; farms and trades go as fast as the platform takes them (``--concurrency``),
or trades by the fast bulk path (``--bulk-db``, see ``bulk.py``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from loadtests import bulk, data
from loadtests.mix import BUYER, FARMER

PASSWORD = "loadtest-pamtalk-2026"
DOMAIN = "loadtest.pamtalk.kr"
STATE_DIR = Path(os.environ.get("PAMTALK_LOAD_STATE_DIR") or Path(__file__).resolve().parent / ".state")


@dataclass(frozen=True)
class SeedPlan:
    accounts: int = 1000
    farmer_share: float = 0.3
    farms: int = 0  # total farms owned by the tool's farmers (at least one each)
    trades: int = 0  # trades on the platform (dashboard count) to reach
    concurrency: int = 32
    login_concurrency: int = 4
    bulk_db: str = ""  # PostgreSQL URL: trades by the bulk path (bulk.py) instead of the API

    def identities(self) -> list[tuple[str, str, str]]:
        """(email, pool role, sign-up role) of every account."""
        farmers = max(1, round(self.accounts * self.farmer_share))
        buyers = max(1, self.accounts - farmers)
        out = [(f"lt-farmer-{i:05d}@{DOMAIN}", FARMER, "farmer") for i in range(1, farmers + 1)]
        for i in range(1, buyers + 1):
            out.append((f"lt-buyer-{i:05d}@{DOMAIN}", BUYER, "company" if i % 5 == 0 else "consumer"))
        return out


def state_path(host: str, folder: Path = STATE_DIR) -> Path:
    return folder / (re.sub(r"[^A-Za-z0-9]+", "_", host).strip("_") + ".json")


def load_state(path: Path) -> dict[str, Any]:
    try:
        return dict(json.loads(path.read_text()))
    except (OSError, ValueError):
        return {}


def save_state(path: Path, state: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(state))
    tmp.replace(path)


def _tokens(account: dict[str, Any], body: dict[str, Any]) -> None:
    account.update(
        id=body["user"]["id"],
        access=body["access_token"],
        refresh=body["refresh_token"],
        expires=time.time() + body["expires_in"],
        session_until=time.time() + body["refresh_expires_in"],
    )


async def ensure_token(client: httpx.AsyncClient, account: dict[str, Any], signup_role: str = "") -> None:
    """A valid access token for ``account``: kept, refreshed, logged in, or signed up."""
    now = time.time()
    if account.get("access") and account.get("expires", 0) > now + 300:
        return
    if account.get("refresh") and account.get("session_until", 0) > now + 60:
        r = await client.post("/api/v1/auth/refresh", json={"refresh_token": account["refresh"]})
        if r.status_code == 200:
            _tokens(account, r.json())
            return
    credentials = {"email": account["email"], "password": PASSWORD}
    if "id" not in account and signup_role:  # new to us: sign up first (a failed login is counted)
        await _signup(client, credentials, signup_role)
    r = await client.post("/api/v1/auth/login", json=credentials)
    if r.status_code == 401 and signup_role:  # known to us, but the platform's data was reset
        await _signup(client, credentials, signup_role)
        r = await client.post("/api/v1/auth/login", json=credentials)
    if r.status_code != 200:
        raise RuntimeError(f"login of {account['email']} failed: {r.status_code} {r.text[:200]}")
    _tokens(account, r.json())


async def _signup(client: httpx.AsyncClient, credentials: dict[str, str], role: str) -> None:
    body = {**credentials, "display_name": credentials["email"].split("@")[0], "role": role}
    made = await client.post("/api/v1/auth/signup", json=body)
    if made.status_code not in (201, 409):
        raise RuntimeError(f"sign-up of {credentials['email']} failed: {made.status_code} {made.text[:200]}")


def auth(account: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {account['access']}"}


async def _gather(limit: int, jobs: list[Any]) -> list[Any]:
    gate = asyncio.Semaphore(limit)

    async def run(job: Any) -> Any:
        async with gate:
            return await job

    return await asyncio.gather(*(run(j) for j in jobs))


async def ensure_accounts(client: httpx.AsyncClient, plan: SeedPlan, state: dict[str, Any]) -> list[dict]:
    known = {a["email"]: a for a in state.get("accounts", [])}
    accounts, jobs = [], []
    for email, role, signup_role in plan.identities():
        account = known.get(email) or {"email": email}
        account["role"], account["kind"] = role, signup_role
        accounts.append(account)
        jobs.append(ensure_token(client, account, signup_role))
    started = time.monotonic()
    await _gather(plan.login_concurrency, jobs)
    print(f"seed: {len(accounts)} accounts ready ({time.monotonic() - started:.1f} s)", flush=True)
    return accounts


async def _mine(client: httpx.AsyncClient, farmer: dict[str, Any]) -> list[dict[str, Any]]:
    farms, cursor = [], None
    while True:
        query = "mine=true&limit=100" + (f"&cursor={cursor}" if cursor else "")
        r = await client.get(f"/api/v1/farms?{query}", headers=auth(farmer))
        r.raise_for_status()
        page = r.json()
        farms += [_farm(f, farmer["email"]) for f in page["items"] if f["status"] == "active"]
        cursor = page.get("next_cursor")
        if not cursor:
            return farms


def _farm(body: dict[str, Any], owner: str) -> dict[str, Any]:
    return {"id": body["id"], "owner": owner, "crops": body["crops"], "region": body["region"]}


async def ensure_farms(
    client: httpx.AsyncClient, farmers: list[dict], plan: SeedPlan, state: dict[str, Any]
) -> list[dict]:
    """At least ``plan.farms`` farms (one per farmer at the least), spread over the farmers."""
    farms = state.get("farms", [])
    if farms:
        r = await client.get(f"/api/v1/farms/{farms[0]['id']}")
        if r.status_code != 200:
            farms = []  # the platform's data was reset
    per_farmer = max(1, -(-plan.farms // len(farmers)))
    owned: dict[str, list[dict]] = {f["email"]: [] for f in farmers}
    for farm in farms:
        owned.setdefault(farm["owner"], []).append(farm)
    if any(len(owned[f["email"]]) < per_farmer for f in farmers):
        found = await _gather(plan.concurrency, [_mine(client, f) for f in farmers])
        owned = {f["email"]: mine for f, mine in zip(farmers, found, strict=True)}
    rng = random.Random(7)

    async def register(farmer: dict[str, Any], n: int) -> None:
        r = await client.post("/api/v1/farms", json=data.farm(rng, farmer["email"], n), headers=auth(farmer))
        if r.status_code != 201:
            raise RuntimeError(f"farm registration failed: {r.status_code} {r.text[:200]}")
        owned[farmer["email"]].append(_farm(r.json(), farmer["email"]))

    jobs = [register(f, n) for f in farmers for n in range(len(owned[f["email"]]), per_farmer)]
    started = time.monotonic()
    await _gather(plan.concurrency, jobs)
    farms = [farm for f in farmers for farm in owned[f["email"]]]
    print(f"seed: {len(farms)} farms ({len(jobs)} new, {time.monotonic() - started:.1f} s)", flush=True)
    return farms


async def trade_count(client: httpx.AsyncClient) -> int:
    r = await client.get("/api/v1/dashboard", headers={"Cache-Control": "no-cache"})
    return int(r.json()["trades"]["count"]) if r.status_code == 200 else 0


async def ensure_trades(
    client: httpx.AsyncClient, buyers: list[dict], farms: list[dict], plan: SeedPlan
) -> int:
    """Trades until the dashboard counts ``plan.trades`` (it is cached up to a minute)."""
    need = plan.trades - await trade_count(client)
    if need <= 0 or not farms:
        return 0
    rng, done, failed, started = random.Random(11), [0], [0], time.monotonic()

    async def one() -> None:
        buyer, farm = rng.choice(buyers), rng.choice(farms)
        body = data.trade(rng, farm["id"], farm["crops"])
        for _ in range(30):  # a new farm reaches the marketplace's read model within seconds
            r = await client.post("/api/v1/transactions", json=body, headers=auth(buyer))
            if r.status_code != 422 or "farm-unknown" not in r.text:
                break
            await asyncio.sleep(1)
        if r.status_code == 201:
            done[0] += 1
        else:
            failed[0] += 1
        if (done[0] + failed[0]) % 5000 == 0:
            rate = done[0] / (time.monotonic() - started)
            print(f"seed: trades {done[0]}/{need} ({rate:.0f}/s, {failed[0]} failed)", flush=True)

    await _gather(plan.concurrency, [one() for _ in range(need)])
    print(
        f"seed: {done[0]} trades created, {failed[0]} failed ({time.monotonic() - started:.1f} s)", flush=True
    )
    return done[0]


async def prepare(host: str, plan: SeedPlan, path: Path | None = None) -> dict[str, Any]:
    """Make sure the pool's accounts and farms (and the seed's trades) exist; returns the pool."""
    path = path or state_path(host)
    state = load_state(path)
    limits = httpx.Limits(max_connections=plan.concurrency + 4)
    async with httpx.AsyncClient(base_url=host, timeout=60, limits=limits) as client:
        accounts = await ensure_accounts(client, plan, state)
        state.update(host=host, password=PASSWORD, accounts=accounts)
        save_state(path, state)
        farmers = [a for a in accounts if a["role"] == FARMER]
        state["farms"] = await ensure_farms(client, farmers, plan, state)
        save_state(path, state)
        buyers = [a for a in accounts if a["role"] == BUYER]
        if plan.bulk_db:
            need = plan.trades - await trade_count(client)
            started = time.monotonic()
            made = await bulk.bulk_trades(plan.bulk_db, need, [(a["id"], a["kind"]) for a in buyers])
            print(f"seed: {made} trades written by the bulk path ({time.monotonic() - started:.1f} s)")
        else:
            await ensure_trades(client, buyers, state["farms"], plan)
    return state


def merge_tokens(path: Path, accounts: list[dict[str, Any]]) -> None:
    """Keep the sessions the load generator renewed (their old refresh tokens are spent)."""
    state = load_state(path)
    fresh = {a["email"]: a for a in accounts if a.get("access")}
    for account in state.get("accounts", []):
        if account["email"] in fresh:
            account.update({k: v for k, v in fresh[account["email"]].items() if v is not None})
    save_state(path, state)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--host", default="http://127.0.0.1:8000")
    parser.add_argument("--accounts", type=int, default=SeedPlan.accounts)
    parser.add_argument("--farms", type=int, default=2000)
    parser.add_argument("--trades", type=int, default=100_000)
    parser.add_argument("--concurrency", type=int, default=SeedPlan.concurrency)
    parser.add_argument(
        "--bulk-db", default="", help="PostgreSQL URL: trades by COPY (see loadtests/bulk.py)"
    )
    args = parser.parse_args(argv)
    plan = SeedPlan(
        args.accounts,
        farms=args.farms,
        trades=args.trades,
        concurrency=args.concurrency,
        bulk_db=args.bulk_db,
    )
    asyncio.run(prepare(args.host.rstrip("/"), plan))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
