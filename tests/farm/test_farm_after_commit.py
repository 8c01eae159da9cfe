"""The list cache is invalidated by an after-commit hook: by the time it runs, the change is
visible to every other connection (so no reader can cache a page read before the commit
under the new generation), and a write that changes nothing or fails invalidates nothing."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from fastapi import FastAPI

from pamtalk.db.statements import sql
from pamtalk.runtime import service_state
from services.farm.state import FarmState
from tests.farm.support import create_farm, deliver, scored_envelope

pytestmark = pytest.mark.integration
FARMS = "/api/v1/farms"
# The owner's farms as another connection sees them: only what is committed.
COMMITTED = sql("SELECT count(*) AS farms, sum(version) AS versions FROM farms WHERE owner_id = :owner")


def watch_invalidations(app: FastAPI, owner: uuid.UUID, monkeypatch: Any) -> list[tuple[int, int]]:
    """Replace the list cache's invalidation with one recording, when it runs, the owner's
    committed farms (count, sum of versions) as another connection sees them."""
    seen: list[tuple[int, int]] = []
    runtime = app.state.runtime
    list_cache = service_state(runtime, FarmState).list_cache
    invalidate: Callable[[], Awaitable[None]] = list_cache.invalidate

    async def recording() -> None:
        async with runtime.db.read() as read:
            row = await read.fetchrow(COMMITTED, owner=owner)
        seen.append((row["farms"], row["versions"]))
        await invalidate()

    monkeypatch.setattr(list_cache, "invalidate", recording)
    return seen


@pytest.mark.parametrize("change", ["register", "patch", "deactivate", "suspend", "scored"])
async def test_the_hook_runs_once_the_change_is_committed(farm_api, tokens, monkeypatch, change) -> None:
    client, app = farm_api
    owner = uuid.uuid4()
    farm = await create_farm(client, tokens, owner)
    seen = watch_invalidations(app, owner, monkeypatch)
    url, headers = f"{FARMS}/{farm['id']}", tokens.headers("farmer", owner)
    if change == "register":
        await create_farm(client, tokens, owner)
    elif change == "patch":
        assert (await client.patch(url, json={"name": "Renamed"}, headers=headers)).status_code == 200
    elif change == "deactivate":
        assert (await client.post(f"{url}/deactivate", headers=headers)).status_code == 200
    elif change == "suspend":
        assert (await client.post(f"{url}/suspend", headers=tokens.headers("admin"))).status_code == 200
    else:
        await deliver(app, scored_envelope(farm, "Silver", 72.0))
    assert seen == [(2, 2) if change == "register" else (1, 2)]  # the new farm / version 2, committed


async def test_a_write_that_changes_nothing_or_fails_invalidates_nothing(
    farm_api, tokens, monkeypatch
) -> None:
    client, app = farm_api
    owner = uuid.uuid4()
    farm = await create_farm(client, tokens, owner, name="Same")
    seen = watch_invalidations(app, owner, monkeypatch)
    url, headers = f"{FARMS}/{farm['id']}", tokens.headers("farmer", owner)
    assert (await client.patch(url, json={"name": "Same"}, headers=headers)).status_code == 200
    stale = await client.patch(url, json={"name": "New"}, headers={**headers, "If-Match": '"v0"'})
    assert stale.status_code == 412
    assert (await client.post(f"{url}/activate", headers=headers)).status_code == 200  # active already
    assert (await client.post(f"{url}/suspend", headers=tokens.headers("farmer"))).status_code == 403
    older = scored_envelope(farm, "Gold", 84.0)
    await deliver(app, older)
    assert seen == [(1, 2)]  # only the score moved the farm
    await deliver(app, older)  # redelivered: the inbox ignores it
    assert seen == [(1, 2)]
