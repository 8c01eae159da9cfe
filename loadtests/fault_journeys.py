"""Trades carried to the end while a fault drill runs (``python -m loadtests.faults``), and the
check afterwards that nothing acknowledged was lost on the way through the events.

The load tool's mix opens and confirms trades but never settles one; a settled trade is what
reaches the ledger (the blockchain service consumes ``transaction.settled``) and everyone's
notifications. So beside the load, one journey after another opens a trade, the farmer
confirms it and the buyer settles it, as the mobile app would: a ``503`` (or no answer) is
retried after its ``Retry-After`` with the same ``Idempotency-Key``, as a client does.
Afterwards every settled trade must be in the ledger, and the farmer must have been told of
each trade opened, confirmed and settled. Every answer is counted by status.
"""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx

from loadtests import data

PASSWORD = "fault-drill-pamtalk-2026"
RETRIES = 12  # per step, after a 503 or no answer (Retry-After apart: about half a minute)
TRANSIENT = {0, 502, 503, 504}


@dataclass
class Party:
    email: str
    role: str
    token: str = ""
    id: str = ""

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@dataclass
class Journeys:
    """The drill's farmer, buyer and farm, and what the journeys saw (by phase)."""

    client: httpx.AsyncClient
    farmer: Party = field(default_factory=lambda: Party(_email("farmer"), "farmer"))
    buyer: Party = field(default_factory=lambda: Party(_email("buyer"), "consumer"))
    farm: dict[str, Any] = field(default_factory=dict)
    statuses: dict[str, Counter[int]] = field(default_factory=dict)
    opened: dict[str, list[str]] = field(default_factory=dict)
    settled: dict[str, list[str]] = field(default_factory=dict)
    unfinished: dict[str, int] = field(default_factory=dict)
    rng: random.Random = field(default_factory=random.Random)

    async def prepare(self) -> None:
        """Both accounts, the farm, and a first trade on it (the transaction service learns of
        the farm from its event)."""
        for party in (self.farmer, self.buyer):
            body = {
                "email": party.email,
                "password": PASSWORD,
                "display_name": party.role,
                "role": party.role,
            }
            made = await self.client.post("/api/v1/auth/signup", json=body)
            made.raise_for_status()
            party.id = made.json()["id"]
            await self._login(party)
        body = data.farm(self.rng, self.farmer.email)
        made = await self.client.post("/api/v1/farms", json=body, headers=self.farmer.headers())
        made.raise_for_status()
        self.farm = {"id": made.json()["id"], "crops": body["crops"]}
        deadline = time.monotonic() + 60
        while True:
            r = await self._post(
                "warm-up", "/api/v1/transactions", self.buyer, self._trade(), str(uuid.uuid4())
            )
            if r is not None and r.status_code == 201:
                return
            if time.monotonic() > deadline:
                raise RuntimeError(f"the drill's farm never became tradable: {r and r.text[:200]}")
            await asyncio.sleep(0.5)

    async def _login(self, party: Party) -> None:
        r = await self.client.post("/api/v1/auth/login", json={"email": party.email, "password": PASSWORD})
        r.raise_for_status()
        party.token = r.json()["access_token"]

    def _trade(self) -> dict[str, Any]:
        return data.trade(self.rng, self.farm["id"], self.farm["crops"])

    async def _post(
        self, phase: str, path: str, party: Party, body: dict[str, Any] | None = None, key: str = ""
    ) -> httpx.Response | None:
        """The first definite answer (retried after a 503 or none); None if none came."""
        counts = self.statuses.setdefault(phase, Counter())
        for _ in range(RETRIES):
            headers = {**party.headers(), **({"Idempotency-Key": key} if key else {})}
            try:
                r = await self.client.post(path, json=body, headers=headers)
            except httpx.HTTPError:
                counts[0] += 1
                await asyncio.sleep(1)
                continue
            counts[r.status_code] += 1
            if r.status_code == 401:
                await self._login(party)
                continue
            if r.status_code not in TRANSIENT:
                return r
            await asyncio.sleep(float(r.headers.get("retry-after") or 1))
        return None

    async def one(self, phase: str) -> None:
        """Open, confirm and settle one trade; what was acknowledged is remembered."""
        r = await self._post(phase, "/api/v1/transactions", self.buyer, self._trade(), str(uuid.uuid4()))
        if r is None or r.status_code != 201:
            self.unfinished[phase] = self.unfinished.get(phase, 0) + 1
            return
        trade_id = r.json()["id"]
        self.opened.setdefault(phase, []).append(trade_id)
        for step, party, status in (("confirm", self.farmer, "confirmed"), ("settle", self.buyer, "settled")):
            r = await self._post(phase, f"/api/v1/transactions/{trade_id}/{step}", party)
            if r is not None and r.status_code == 409:  # the first try committed; its answer was lost
                r = await self.client.get(f"/api/v1/transactions/{trade_id}", headers=party.headers())
                if r.status_code != 200 or r.json()["status"] != status:
                    r = None
            if r is None or r.status_code != 200:
                self.unfinished[phase] = self.unfinished.get(phase, 0) + 1
                return
        self.settled.setdefault(phase, []).append(trade_id)

    async def run(self, phase: str, stop: asyncio.Event, every: float) -> None:
        """A journey every ``every`` seconds (one at a time) until ``stop`` is set."""
        while not stop.is_set():
            began = time.monotonic()
            await self.one(phase)
            pause = every - (time.monotonic() - began)
            if pause > 0:
                try:
                    await asyncio.wait_for(stop.wait(), pause)
                except TimeoutError:
                    pass

    async def lost(self, phase: str, within: float = 120) -> dict[str, Any]:
        """What the phase's acknowledged trades should have caused and (after ``within``
        seconds of waiting) did not: ledger entries of settled trades, the farmer's
        notifications of each trade opened, confirmed, settled."""
        settled, opened = self.settled.get(phase, []), self.opened.get(phase, [])
        deadline = time.monotonic() + within
        while True:
            await self._login(self.farmer)
            told = await self._notified()
            missing_notes = [t for t in opened if "trade.created" not in told.get(t, set())]
            missing_notes += [
                t for t in settled if not {"trade.confirmed", "trade.settled"} <= told.get(t, set())
            ]
            missing_ledger = [t for t in settled if not await self._in_ledger(t)]
            if (not missing_notes and not missing_ledger) or time.monotonic() > deadline:
                break
            await asyncio.sleep(2)
        return {
            "trades_opened": len(opened),
            "trades_settled": len(settled),
            "unfinished": self.unfinished.get(phase, 0),
            "ledger_missing": len(missing_ledger),
            "notifications_missing": len(missing_notes),
            "sample": (missing_ledger + missing_notes)[:5],
        }

    async def _notified(self) -> dict[str, set[str]]:
        """The farmer's notifications: trade id -> kinds."""
        kinds: dict[str, set[str]] = {}
        cursor = None
        while True:
            params = {"limit": "100", **({"cursor": cursor} if cursor else {})}
            r = await self.client.get("/api/v1/notifications", params=params, headers=self.farmer.headers())
            r.raise_for_status()
            page = r.json()
            for item in page["items"]:
                trade = item.get("data", {}).get("transaction_id")
                if trade:
                    kinds.setdefault(trade, set()).add(item["kind"])
            cursor = page.get("next_cursor")
            if not cursor:
                return kinds

    async def _in_ledger(self, trade_id: str) -> bool:
        r = await self.client.get("/api/v1/ledger/entries", params={"reference": f"trade:{trade_id}"})
        return r.status_code == 200 and bool(r.json()["items"])


def _email(role: str) -> str:
    return f"drill-{role}-{uuid.uuid4().hex[:10]}@pamtalk.kr"
