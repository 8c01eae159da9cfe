"""``GET /api/v1/notifications/stream``: my notifications as Server-Sent Events.

Browsers' ``EventSource`` cannot send an ``Authorization`` header, so this endpoint (and
only this one) also takes the access token as ``?access_token=``; it also takes the resume
point as ``?last_event_id=`` besides the ``Last-Event-ID`` header that EventSource sends
on its own reconnects."""

from __future__ import annotations

import time
from typing import Annotated

import jwt
from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.security import HTTPAuthorizationCredentials

from pamtalk.auth.deps import bearer
from pamtalk.auth.jwks import InvalidToken, JwksVerifier, Principal
from pamtalk.context import user_id_var
from pamtalk.deps import Db
from pamtalk.errors import Problem, problem_responses
from services.notification.state import State
from services.notification.store.notifications import MAX_ID
from services.notification.stream import HEADERS, EventStreamResponse, notification_events

router = APIRouter(prefix="/api/v1/notifications", tags=["notifications"])


def _unauthenticated(detail: str) -> Problem:
    return Problem(
        401, detail, type_="unauthenticated", headers={"WWW-Authenticate": 'Bearer realm="pamtalk"'}
    )


async def stream_caller(
    request: Request,
    credentials: HTTPAuthorizationCredentials | None = Depends(bearer),
    access_token: str | None = Query(
        None, max_length=4096, description="For EventSource, which cannot set headers; else use Bearer"
    ),
) -> tuple[Principal, float]:
    """The caller and when their token expires (the stream ends then)."""
    token = credentials.credentials if credentials is not None else access_token
    if not token:
        raise _unauthenticated("This needs a logged-in user: send 'Authorization: Bearer <token>'.")
    verifier: JwksVerifier = request.app.state.runtime.verifier
    try:
        principal = await verifier.verify(token)
    except InvalidToken as exc:
        raise _unauthenticated(str(exc)) from exc
    claims = jwt.decode(token, options={"verify_signature": False})  # verified just above
    user_id_var.set(str(principal.id))
    return principal, float(claims["exp"])


def _resume_point(header: str | None, query: int | None) -> int | None:
    if header is None or not header.strip():
        return query
    value = header.strip()
    if not value.isdigit() or int(value) > MAX_ID:
        raise Problem(
            422,
            "Last-Event-ID must be the id of an event of this stream.",
            errors=[{"field": "Last-Event-ID", "in": "header", "message": "not an event id"}],
        )
    return int(value)


@router.get(
    "/stream",
    summary="My notifications, live (Server-Sent Events)",
    response_class=EventStreamResponse,
    responses={
        200: {"content": {"text/event-stream": {}}, "description": "An endless event stream"},
        **problem_responses(401, 422),
    },
)
async def stream_notifications(
    caller: Annotated[tuple[Principal, float], Depends(stream_caller)],
    state: State,
    db: Db,
    last_event_id_header: str | None = Header(None, alias="Last-Event-ID", max_length=40),
    last_event_id: int | None = Query(None, ge=0, le=MAX_ID, description="Resume after this id"),
) -> EventStreamResponse:
    principal, expires_at = caller
    body = notification_events(
        db=db,
        hub=state.hub,
        settings=state.settings,
        user_id=principal.id,
        last_event_id=_resume_point(last_event_id_header, last_event_id),
        expires_at=min(expires_at, time.time() + 24 * 3600),
    )
    return EventStreamResponse(body, headers=HEADERS)
