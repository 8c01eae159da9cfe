"""The user service's state, made once at start-up: settings, the signing key, password
hashing, and the Redis-backed login sessions and failed-login counters."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends

from pamtalk.auth.jwks import JwksVerifier
from pamtalk.deps import state_dependency
from pamtalk.ratelimit import WindowCounter
from pamtalk.runtime import Runtime
from services.user.keys import SigningKey
from services.user.passwords import Passwords
from services.user.sessions import SessionStore
from services.user.settings import UserSettings


@dataclass
class UserState:
    settings: UserSettings
    keys: SigningKey
    passwords: Passwords
    sessions: SessionStore
    account_failures: WindowCounter
    client_failures: WindowCounter


async def build_state(runtime: Runtime) -> UserState:
    settings = runtime.settings
    assert isinstance(settings, UserSettings)
    keys = SigningKey.from_settings(settings)

    async def own_keys() -> dict[str, Any]:
        return keys.jwks()

    # The user service verifies tokens with its own keys, never through its own HTTP API.
    runtime.verifier = JwksVerifier(own_keys, issuer=settings.jwt_issuer, audience=settings.jwt_audience)
    return UserState(
        settings=settings,
        keys=keys,
        passwords=Passwords(
            settings.argon2_time_cost,
            settings.argon2_memory_kib,
            settings.argon2_concurrency,
            settings.argon2_wait_seconds,
        ),
        sessions=SessionStore(
            runtime.redis, settings.session_idle_seconds, settings.session_absolute_seconds
        ),
        account_failures=WindowCounter(
            runtime.redis, "login:account", settings.login_account_limit, settings.login_window_seconds
        ),
        client_failures=WindowCounter(
            runtime.redis, "login:client", settings.login_client_limit, settings.login_window_seconds
        ),
    )


State = Annotated[UserState, Depends(state_dependency(UserState))]
