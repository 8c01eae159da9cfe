"""After a run: every write the platform acknowledged is there (the old system lost most).

Trades: each buyer's trades since the run began are listed (keyset pages of 100) and every
id the tool was told was created (201) must be among them; one that is not is asked for
directly, and one the platform then answers 404 for is *lost*. Confirmations: such a trade
must no longer be pending. Farms: each registered farm must be readable. ESG submissions:
each must be in its farm's history. The checks go through the public API with the
accounts' tokens. Right after an overload the platform may still answer 5xx: such answers
are retried with back-off, and what cannot be checked is reported as *unverified*, never as
lost (nor as kept).
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

import httpx

from loadtests.seed import auth, ensure_token

SAMPLE = 10  # ids of lost writes kept in the result
ATTEMPTS = 6  # per check: 0.5, 1, 2, 4, 8 s between them
UNKNOWN = "unverified"


async def _get(
    client: httpx.AsyncClient, path: str, account: dict[str, Any], **params: str
) -> httpx.Response | None:
    """The answer when it is definite (200 or 404), else None after the retries."""
    for attempt in range(ATTEMPTS):
        try:
            r = await client.get(path, params=params or None, headers=auth(account))
            if r.status_code in (200, 404):
                return r
        except httpx.HTTPError:
            pass
        if attempt < ATTEMPTS - 1:
            await asyncio.sleep(0.5 * 2**attempt)
    return None


async def _pages(client: httpx.AsyncClient, path: str, account: dict[str, Any], **params: str) -> list | None:
    """Every item of a keyset-paged list; None when a page could not be had."""
    items: list = []
    cursor = None
    while True:
        r = await _get(client, path, account, limit="100", **params, **({"cursor": cursor} if cursor else {}))
        if r is None or r.status_code != 200:
            return None
        page = r.json()
        items += page["items"]
        cursor = page.get("next_cursor")
        if not cursor:
            return items


async def _trade(client: httpx.AsyncClient, account: dict[str, Any], trade_id: str) -> str | None:
    """The trade's status; None when it is not there; UNKNOWN when the platform did not say."""
    r = await _get(client, f"/api/v1/transactions/{trade_id}", account)
    if r is None:
        return UNKNOWN
    return r.json()["status"] if r.status_code == 200 else None


async def _farm(client: httpx.AsyncClient, farm_id: str, account: dict[str, Any]) -> str | None:
    r = await _get(client, f"/api/v1/farms/{farm_id}", account)
    return UNKNOWN if r is None else ("ok" if r.status_code == 200 else None)


def _block(told: int, outcomes: dict[str, str | None]) -> dict[str, Any]:
    lost = [key for key, value in outcomes.items() if value is None]
    unverified = sum(value == UNKNOWN for value in outcomes.values())
    return {"acknowledged": told, "lost": len(lost), "unverified": unverified, "lost_sample": lost[:SAMPLE]}


async def verify(host: str, writes: dict[str, list], accounts: list[dict], started: float) -> dict[str, Any]:
    by_email = {a["email"]: a for a in accounts}
    since = datetime.fromtimestamp(started - 120, UTC).isoformat().replace("+00:00", "Z")
    gate = asyncio.Semaphore(8)

    async def gated(job: Any) -> Any:
        async with gate:
            return await job

    async with httpx.AsyncClient(base_url=host, timeout=30) as client:
        used = {e for kind in writes.values() for *_, e in kind if e in by_email}
        await asyncio.gather(*(gated(ensure_token(client, by_email[e])) for e in used))
        trades_of: dict[str, list[str]] = defaultdict(list)
        for trade_id, email in writes.get("trades", []):
            trades_of[email].append(trade_id)
        buyers = [e for e in trades_of if e in by_email]
        listings = await asyncio.gather(
            *(gated(_pages(client, "/api/v1/transactions", by_email[e], **{"from": since})) for e in buyers)
        )
        status: dict[str, str | None] = {}
        for listing in listings:
            status.update({t["id"]: t["status"] for t in listing or []})
        buyer_of = {t: e for e, ids in trades_of.items() for t in ids}
        confirmed = writes.get("confirmed", [])
        unseen = [(t, e) for t, e in buyer_of.items() if t not in status]
        unseen += [(t, buyer_of.get(t, e)) for t, e in confirmed if t not in status and t not in buyer_of]
        direct = await asyncio.gather(*(gated(_trade(client, by_email[e], t)) for t, e in unseen))
        status.update({t: s for (t, _), s in zip(unseen, direct, strict=True)})
        trades = {t: status.get(t) for t in buyer_of}
        confirms = {t: (None if status.get(t) == "pending" else status.get(t)) for t, _ in confirmed}
        farms = writes.get("farms", [])
        seen = await asyncio.gather(*(gated(_farm(client, f, by_email[e])) for f, e in farms))
        farm_outcomes = {f: s for (f, _), s in zip(farms, seen, strict=True)}
        esg_by_farm: dict[tuple[str, str], list[str]] = defaultdict(list)
        for submission, farm_id, email in writes.get("esg", []):
            esg_by_farm[(farm_id, email)].append(submission)
        histories = await asyncio.gather(
            *(gated(_pages(client, f"/api/v1/farms/{f}/esg", by_email[e])) for f, e in esg_by_farm)
        )
        esg: dict[str, str | None] = {}
        for subs, items in zip(esg_by_farm.values(), histories, strict=True):
            ids = None if items is None else {i["id"] for i in items}
            esg.update({s: UNKNOWN if ids is None else ("ok" if s in ids else None) for s in subs})
    checks = {
        "trades": _block(len(buyer_of), trades),
        "confirmations": _block(len(confirmed), confirms),
        "farms": _block(len(farms), farm_outcomes),
        "esg_submissions": _block(len(esg), esg),
    }
    return {
        "lost_writes": sum(c["lost"] for c in checks.values()),
        "unverified": sum(c["unverified"] for c in checks.values()),
        **checks,
    }


def run(host: str, writes: dict[str, list], accounts: list[dict], started: float) -> dict[str, Any]:
    return asyncio.run(verify(host, writes, accounts, started))
