"""After a run: every write the platform acknowledged is there (the old system lost most).

Trades: each buyer's trades since the run began are listed (keyset pages of 100) and every
id the tool was told was created (201) must be among them; one that is not is asked for
directly, and what is still missing is *lost*. Confirmations: such a trade must no longer
be pending. Farms: each registered farm must be readable. ESG submissions: each must be in
its farm's history. The checks run through the public API with the accounts' tokens.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

import httpx

from loadtests.seed import auth, ensure_token

SAMPLE = 10  # ids of lost writes kept in the result


async def _listed_trades(client: httpx.AsyncClient, account: dict[str, Any], since: str) -> dict[str, str]:
    """Trade id -> status of the account's trades created since ``since``."""
    found: dict[str, str] = {}
    cursor = None
    while True:
        params = {"from": since, "limit": "100", **({"cursor": cursor} if cursor else {})}
        r = await client.get("/api/v1/transactions", params=params, headers=auth(account))
        r.raise_for_status()
        page = r.json()
        found.update({t["id"]: t["status"] for t in page["items"]})
        cursor = page.get("next_cursor")
        if not cursor:
            return found


async def _direct(client: httpx.AsyncClient, account: dict[str, Any], trade_id: str) -> str | None:
    r = await client.get(f"/api/v1/transactions/{trade_id}", headers=auth(account))
    return r.json()["status"] if r.status_code == 200 else None


async def _exists(client: httpx.AsyncClient, path: str, account: dict[str, Any]) -> bool:
    return (await client.get(path, headers=auth(account))).status_code == 200


async def _esg_ids(client: httpx.AsyncClient, farm_id: str, account: dict[str, Any]) -> set[str]:
    ids: set[str] = set()
    cursor = None
    while True:
        params = {"limit": "100", **({"cursor": cursor} if cursor else {})}
        r = await client.get(f"/api/v1/farms/{farm_id}/esg", params=params, headers=auth(account))
        if r.status_code != 200:
            return ids
        page = r.json()
        ids.update(item["id"] for item in page["items"])
        cursor = page.get("next_cursor")
        if not cursor:
            return ids


def _block(told: int, lost: list[str]) -> dict[str, Any]:
    return {"acknowledged": told, "lost": len(lost), "lost_sample": lost[:SAMPLE]}


async def verify(host: str, writes: dict[str, list], accounts: list[dict], started: float) -> dict[str, Any]:
    by_email = {a["email"]: a for a in accounts}
    since = datetime.fromtimestamp(started - 120, UTC).isoformat().replace("+00:00", "Z")
    gate = asyncio.Semaphore(16)
    async with httpx.AsyncClient(base_url=host, timeout=60) as client:

        async def gated(job: Any) -> Any:
            async with gate:
                return await job

        used = {e for kind in writes.values() for *_, e in kind if e in by_email}
        await asyncio.gather(*(gated(ensure_token(client, by_email[e])) for e in used))
        trades_of: dict[str, list[str]] = defaultdict(list)
        for trade_id, email in writes.get("trades", []):
            trades_of[email].append(trade_id)
        status: dict[str, str] = {}
        listings = await asyncio.gather(
            *(gated(_listed_trades(client, by_email[e], since)) for e in trades_of if e in by_email)
        )
        for listing in listings:
            status.update(listing)
        unseen = [(t, e) for e, ids in trades_of.items() for t in ids if t not in status]
        direct = await asyncio.gather(*(gated(_direct(client, by_email[e], t)) for t, e in unseen))
        for (trade_id, _), found in zip(unseen, direct, strict=True):
            if found is not None:
                status[trade_id] = found
        lost_trades = [t for ids in trades_of.values() for t in ids if t not in status]
        buyer_of = {t: e for e, ids in trades_of.items() for t in ids}
        confirmed = writes.get("confirmed", [])
        extra = [(t, buyer_of.get(t, e)) for t, e in confirmed if t not in status]
        more = await asyncio.gather(*(gated(_direct(client, by_email[e], t)) for t, e in extra))
        status.update({t: s for (t, _), s in zip(extra, more, strict=True) if s is not None})
        lost_confirms = [t for t, _ in confirmed if status.get(t) in (None, "pending")]
        farms = writes.get("farms", [])
        seen = await asyncio.gather(
            *(gated(_exists(client, f"/api/v1/farms/{f}", by_email[e])) for f, e in farms)
        )
        lost_farms = [f for (f, _), ok in zip(farms, seen, strict=True) if not ok]
        esg_by_farm: dict[tuple[str, str], list[str]] = defaultdict(list)
        for submission, farm_id, email in writes.get("esg", []):
            esg_by_farm[(farm_id, email)].append(submission)
        histories = await asyncio.gather(*(gated(_esg_ids(client, f, by_email[e])) for f, e in esg_by_farm))
        lost_esg = [
            s
            for (key, subs), ids in zip(esg_by_farm.items(), histories, strict=True)
            for s in subs
            if s not in ids
        ]
    checks = {
        "trades": _block(len(buyer_of), lost_trades),
        "confirmations": _block(len(confirmed), lost_confirms),
        "farms": _block(len(farms), lost_farms),
        "esg_submissions": _block(sum(len(v) for v in esg_by_farm.values()), lost_esg),
    }
    return {"lost_writes": sum(c["lost"] for c in checks.values()), **checks}


def run(host: str, writes: dict[str, list], accounts: list[dict], started: float) -> dict[str, Any]:
    return asyncio.run(verify(host, writes, accounts, started))
