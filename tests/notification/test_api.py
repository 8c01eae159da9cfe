"""My notifications over HTTP: newest first with a cursor, unread count, marking read."""

from __future__ import annotations

import uuid

import pytest

from pamtalk.pagination import encode_cursor
from tests.notification.support import forecast, mine, publish, wait_for_count

pytestmark = pytest.mark.integration


async def _five(notif, tokens) -> tuple[uuid.UUID, dict[str, str], list[dict]]:
    client, app = notif
    user = uuid.uuid4()
    for _ in range(5):
        await publish(app, forecast(user))
    headers = tokens.headers(user_id=user)
    return user, headers, await wait_for_count(client, headers, 5)


async def test_pages_newest_first_with_cursor(notif, tokens) -> None:
    client, _ = notif
    _, headers, everything = await _five(notif, tokens)
    ids = [n["id"] for n in everything]
    assert ids == sorted(ids, reverse=True)
    seen, cursor, pages = [], None, 0
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = (await client.get("/api/v1/notifications", headers=headers, params=params)).json()
        seen += [n["id"] for n in page["items"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == ids and pages == 3
    response = await client.get("/api/v1/notifications", headers=headers)
    assert response.headers["cache-control"] == "private, no-store"


async def test_unread_count_mark_one_and_unread_filter(notif, tokens) -> None:
    client, _ = notif
    _, headers, items = await _five(notif, tokens)
    count = await client.get("/api/v1/notifications/unread-count", headers=headers)
    assert count.json() == {"unread": 5}
    target = items[2]["id"]
    first = await client.post(f"/api/v1/notifications/{target}/read", headers=headers)
    assert first.status_code == 200 and first.json()["read_at"] is not None
    again = await client.post(f"/api/v1/notifications/{target}/read", headers=headers)
    assert again.json()["read_at"] == first.json()["read_at"]  # the first read time stays
    assert (await client.get("/api/v1/notifications/unread-count", headers=headers)).json()["unread"] == 4
    unread = await mine(client, headers, unread_only="true")
    assert target not in [n["id"] for n in unread] and len(unread) == 4


async def test_someone_elses_notification_is_not_found(notif, tokens) -> None:
    client, _ = notif
    _, _, items = await _five(notif, tokens)
    stranger = tokens.headers(user_id=uuid.uuid4())
    response = await client.post(f"/api/v1/notifications/{items[0]['id']}/read", headers=stranger)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"].endswith("/notification-not-found")
    missing = await client.post("/api/v1/notifications/9223372036854775807/read", headers=stranger)
    assert missing.status_code == 404
    owner_view = await client.get(
        "/api/v1/notifications", headers=tokens.headers(user_id=uuid.UUID(int=0))
    )  # and nobody else's list shows them
    assert items[0]["id"] not in [n["id"] for n in owner_view.json()["items"]]


async def test_read_all_and_up_to_id(notif, tokens) -> None:
    client, app = notif
    _, headers, items = await _five(notif, tokens)
    middle = items[2]["id"]  # the user saw up to here
    partial = await client.post(
        "/api/v1/notifications/read-all", headers=headers, params={"up_to_id": middle}
    )
    assert partial.json() == {"updated": 3}
    assert (await client.get("/api/v1/notifications/unread-count", headers=headers)).json()["unread"] == 2
    rest = await client.post("/api/v1/notifications/read-all", headers=headers)
    assert rest.json() == {"updated": 2}
    assert (await client.post("/api/v1/notifications/read-all", headers=headers)).json() == {"updated": 0}
    other = uuid.uuid4()
    await publish(app, forecast(other))
    await wait_for_count(client, tokens.headers(user_id=other), 1)
    await client.post("/api/v1/notifications/read-all", headers=headers)
    assert (
        await client.get("/api/v1/notifications/unread-count", headers=tokens.headers(user_id=other))
    ).json()["unread"] == 1  # one user's read-all leaves others' alone


@pytest.mark.parametrize("cursor", ["not-base64!", "W10", "WyJ4Il0", "WzBd"])
async def test_a_bad_cursor_is_422(notif, tokens, cursor) -> None:
    client, _ = notif
    response = await client.get("/api/v1/notifications", headers=tokens.headers(), params={"cursor": cursor})
    assert response.status_code == 422 and response.json()["type"].endswith("/invalid-cursor")


async def test_login_is_required(notif) -> None:
    client, _ = notif
    for method, path in [
        ("GET", "/api/v1/notifications"),
        ("GET", "/api/v1/notifications/unread-count"),
        ("POST", "/api/v1/notifications/1/read"),
        ("POST", "/api/v1/notifications/read-all"),
        ("GET", "/api/v1/notifications/stream"),
    ]:
        response = await client.request(method, path)
        assert response.status_code == 401, (method, path)
        assert response.headers["www-authenticate"].startswith("Bearer")


async def test_ids_beyond_bigint_are_422_not_500(notif, tokens) -> None:
    client, _ = notif
    headers = tokens.headers()
    huge = 2**63
    assert (await client.post(f"/api/v1/notifications/{huge}/read", headers=headers)).status_code == 422
    response = await client.post("/api/v1/notifications/read-all", headers=headers, params={"up_to_id": huge})
    assert response.status_code == 422
    cursor = encode_cursor(huge)
    assert (
        await client.get("/api/v1/notifications", headers=headers, params={"cursor": cursor})
    ).status_code == 422
    stream = await client.get("/api/v1/notifications/stream", headers={**headers, "Last-Event-ID": str(huge)})
    assert stream.status_code == 422
