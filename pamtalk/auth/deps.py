"""FastAPI dependencies for authentication and role checks.

Roles are checked where the data lives; object-level checks (is this farm yours?) belong
in each service's logic, using ``Principal.id``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from pamtalk.auth.jwks import InvalidToken, JwksVerifier, Principal
from pamtalk.context import user_id_var
from pamtalk.errors import Problem
from pamtalk.openapi.components import BEARER, OPTIONAL_BEARER

TOKEN = "Access token from POST /api/v1/auth/login"

# Two schemes for one token: the OpenAPI documents tell a public read that also takes a
# token (``optional_user``: ``security: [{}, {bearerAuth: []}]``) from an operation that needs
# one (``current_user``), see ``pamtalk.openapi.shape``.
bearer = HTTPBearer(auto_error=False, scheme_name=BEARER, description=TOKEN)
_optional_bearer = HTTPBearer(auto_error=False, scheme_name=OPTIONAL_BEARER, description=TOKEN)


def _unauthenticated(detail: str) -> Problem:
    return Problem(
        401, detail, type_="unauthenticated", headers={"WWW-Authenticate": 'Bearer realm="pamtalk"'}
    )


async def optional_user(
    request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(_optional_bearer)
) -> Principal | None:
    return await _principal(request, credentials)


async def _principal(request: Request, credentials: HTTPAuthorizationCredentials | None) -> Principal | None:
    if credentials is None:
        return None
    runtime = request.app.state.runtime
    verifier: JwksVerifier = runtime.verifier
    try:
        principal = await verifier.verify(credentials.credentials)
    except InvalidToken as exc:
        raise _unauthenticated(str(exc)) from exc
    if runtime.revocations.refuses(principal):
        raise _unauthenticated("This token was revoked (logged out, or the account changed): log in again.")
    user_id_var.set(str(principal.id))
    return principal


async def current_user(
    request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(bearer)
) -> Principal:
    principal = await _principal(request, credentials)
    if principal is None:
        raise _unauthenticated("This needs a logged-in user: send 'Authorization: Bearer <token>'.")
    return principal


def require_roles(*roles: str) -> Callable[..., Awaitable[Principal]]:
    """Dependency: the caller must have one of ``roles`` (admins always pass)."""

    async def check(principal: Principal = Depends(current_user)) -> Principal:
        if principal.role not in roles and not principal.is_admin:
            raise Problem(403, f"This needs the role {' or '.join(roles)}.", type_="forbidden")
        return principal

    return check
