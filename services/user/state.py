"""The user service's state, made once at start-up: settings, the signing key, password
hashing, and the Redis-backed login sessions and login throttle."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends

from pamtalk.auth.jwks import JwksVerifier
from pamtalk.deps import state_dependency
from pamtalk.runtime import Runtime
from services.user.keys import SigningKey
from services.user.login_throttle import LoginPolicy, LoginThrottle
from services.user.passwords import Passwords
from services.user.sessions import SessionStore
from services.user.settings import UserSettings


@dataclass
class UserState:
    settings: UserSettings
    keys: SigningKey
    passwords: Passwords
    sessions: SessionStore
    logins: LoginThrottle


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
            runtime.redis,
            settings.session_idle_seconds,
            settings.session_absolute_seconds,
            token_seconds=settings.access_token_seconds,
        ),
        logins=LoginThrottle(
            runtime.redis,
            LoginPolicy(
                free_per_pair=settings.login_free_per_pair,
                free_per_account=settings.login_free_per_account,
                free_per_address=settings.login_free_per_address,
                pair_max_delay=settings.login_max_delay_seconds,
                shared_max_delay=settings.login_max_shared_delay_seconds,
                window=settings.login_window_seconds,
            ),
        ),
    )


State = Annotated[UserState, Depends(state_dependency(UserState))]
