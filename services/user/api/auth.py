"""Sign-up, login, token refresh, logout and the public keys (JWKS)."""

from __future__ import annotations

import orjson
from fastapi import APIRouter, Request, Response

from pamtalk.deps import CurrentUser, Db, Write
from pamtalk.errors import Problem, problem_responses
from pamtalk.ratelimit import too_many
from services.user import accounts
from services.user.schemas import LoginIn, RefreshIn, SignupIn, TokenPair, UserOut
from services.user.sessions import RefreshOutcome
from services.user.state import State, UserState

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])
jwks_router = APIRouter(tags=["auth"])


def client_address(request: Request, state: UserState) -> str:
    if state.settings.trust_proxy_headers and (real := request.headers.get("x-real-ip")):
        return real
    return request.client.host if request.client else "unknown"


@router.post(
    "/signup",
    status_code=201,
    response_model=UserOut,
    summary="Create an account",
    responses=problem_responses(403, 409, 422),
)
async def sign_up(body: SignupIn, tx: Write, state: State) -> UserOut:
    return await accounts.sign_up(tx, body, state.passwords)


def _tokens(state: UserState, user: UserOut, session_id: str, refresh: str) -> TokenPair:
    return TokenPair(
        access_token=state.keys.access_token(
            user_id=user.id, role=user.role, email=user.email, session_id=session_id, settings=state.settings
        ),
        expires_in=state.settings.access_token_seconds,
        refresh_token=refresh,
        refresh_expires_in=state.settings.session_idle_seconds,
        user=user,
    )


@router.post(
    "/login",
    response_model=TokenPair,
    summary="Log in with email and password",
    responses=problem_responses(401, 422, 429),
)
async def log_in(body: LoginIn, request: Request, db: Db, state: State) -> TokenPair:
    account, address = body.email.lower(), client_address(request, state)
    # Counted before the password is checked: concurrent guesses cannot race the count.
    if (wait := await state.logins.attempt(account, address)) is not None:
        raise too_many(wait, f"Too many failed logins; try again in {wait} s.")
    try:
        # The primary: an account that has just signed up or changed its password logs in.
        async with db.read("primary") as read:
            found = await accounts.find_by_email(read, body.email)
        right = await state.passwords.verify(found.password_hash if found else None, body.password)
    except Exception:  # not checked (hashing busy, the database away): not a guess
        await state.logins.not_evaluated(account, address)
        raise
    if not right or found is None:
        raise Problem(401, "Email or password is wrong.", type_="invalid-credentials")
    await state.logins.succeeded(account, address)
    login_session = await state.sessions.create(found.user.id)
    return _tokens(state, found.user, login_session.id, login_session.refresh_token)


@router.post(
    "/refresh",
    response_model=TokenPair,
    summary="Swap a refresh token for new tokens",
    responses=problem_responses(401, 422),
)
async def refresh_session(body: RefreshIn, db: Db, state: State) -> TokenPair:
    outcome, login_session = await state.sessions.rotate(body.refresh_token)
    if outcome is RefreshOutcome.REUSED:
        raise Problem(
            401,
            "This refresh token was used before; the session is revoked. Log in again.",
            type_="refresh-token-reused",
        )
    if login_session is None:
        raise Problem(
            401, "The refresh token is not valid or the session has ended.", type_="invalid-refresh-token"
        )
    async with db.read("primary") as read:  # the role as it is now, for the new token
        user = await accounts.get_user(read, login_session.user_id)
    return _tokens(state, user, login_session.id, login_session.refresh_token)


@router.post(
    "/logout",
    status_code=204,
    summary="End this session (its refresh token stops working)",
    responses=problem_responses(401),
)
async def log_out(principal: CurrentUser, state: State) -> Response:
    await state.sessions.revoke(principal.session_id)
    return Response(status_code=204)


@jwks_router.get("/.well-known/jwks.json", summary="Public keys that verify access tokens")
async def get_jwks(state: State) -> Response:
    return Response(
        orjson.dumps(state.keys.jwks()),
        media_type="application/json",
        headers={"Cache-Control": "public, max-age=300"},
    )
