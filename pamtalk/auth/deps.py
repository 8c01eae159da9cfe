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

_bearer = HTTPBearer(auto_error=False, description="Access token from POST /api/v1/auth/login")


def _unauthenticated(detail: str) -> Problem:
    return Problem(
        401, detail, type_="unauthenticated", headers={"WWW-Authenticate": 'Bearer realm="pamtalk"'}
    )


async def optional_user(
    request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(_bearer)
) -> Principal | None:
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


async def current_user(principal: Principal | None = Depends(optional_user)) -> Principal:
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
