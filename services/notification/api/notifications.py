"""My notifications: the list (newest first), the unread count, and marking them read.

Rows are answered as JSON written directly (``pamtalk.json_body``), without validating
them through the response models; ``response_model`` stays for the OpenAPI document.
Reads go to the primary: a user reads what they have just marked read."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Path, Query, Response

from pamtalk.deps import CurrentUser, Db, Write
from pamtalk.errors import Problem, problem_responses
from pamtalk.json_body import dumps
from pamtalk.pagination import decode_cursor, encode_cursor
from services.notification.schemas import Notification, NotificationPage, ReadAll, UnreadCount
from services.notification.store import notifications

router = APIRouter(
    prefix="/api/v1/notifications", tags=["notifications"], responses=problem_responses(401, 422)
)
MAX_ID = notifications.MAX_ID
NO_STORE = {"Cache-Control": "private, no-store"}
JSON = "application/json"


@router.get("", response_model=NotificationPage, summary="My notifications, newest first")
async def list_notifications(
    principal: CurrentUser,
    db: Db,
    cursor: str | None = Query(None, max_length=200, description="next_cursor of the previous page"),
    limit: int = Query(20, ge=1, le=100),
    unread_only: bool = Query(False, description="Only notifications not read yet"),
) -> Response:
    before = None
    if cursor is not None:
        (value,) = decode_cursor(cursor, 1)
        if not isinstance(value, int) or not 0 < value <= MAX_ID:
            raise Problem(422, "The cursor is not valid; use next_cursor as given.", type_="invalid-cursor")
        before = value
    async with db.read("primary") as read:
        items = await notifications.newest_first(
            read, principal.id, before=before, limit=limit + 1, unread_only=unread_only
        )
    next_cursor = encode_cursor(items[limit - 1]["id"]) if len(items) > limit else None
    page = {"items": items[:limit], "next_cursor": next_cursor}
    return Response(dumps(page), media_type=JSON, headers=NO_STORE)


@router.get("/unread-count", response_model=UnreadCount, summary="How many of mine are unread")
async def count_unread_notifications(principal: CurrentUser, db: Db) -> Response:
    async with db.read("primary") as read:
        body = dumps({"unread": await notifications.unread_count(read, principal.id)})
    return Response(body, media_type=JSON, headers=NO_STORE)


@router.post("/read-all", response_model=ReadAll, summary="Mark all of mine read")
async def mark_all_notifications_read(
    principal: CurrentUser,
    tx: Write,
    up_to_id: int | None = Query(
        None, ge=1, le=MAX_ID, description="Only those with this id or lower (the newest the user saw)"
    ),
) -> ReadAll:
    return ReadAll(updated=await notifications.mark_all_read(tx, principal.id, up_to_id, datetime.now(UTC)))


@router.post(
    "/{notification_id}/read",
    response_model=Notification,
    summary="Mark one of mine read",
    responses=problem_responses(404),
)
async def mark_notification_read(
    principal: CurrentUser, tx: Write, notification_id: int = Path(ge=1, le=MAX_ID)
) -> Response:
    item = await notifications.mark_read(tx, principal.id, notification_id, datetime.now(UTC))
    if item is None:  # someone else's is "not found" too: ids of others are not confirmed
        raise Problem(404, "No such notification.", type_="notification-not-found")
    return Response(dumps(item), media_type=JSON)
