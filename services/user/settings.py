from __future__ import annotations

from typing import Any

from pydantic import Field

from pamtalk.settings import ServiceSettings


class UserSettings(ServiceSettings):
    SERVICE = "user"

    # Ed25519 private key (PEM). Empty: the development key shipped in the repository,
    # which is refused when PAMTALK_ENV=production.
    jwt_private_key: str = ""
    # Earlier public keys (JWKS JSON list) still served while their tokens may be alive.
    jwt_previous_jwks: str = "[]"
    access_token_seconds: int = 900
    session_idle_seconds: int = 1800
    session_absolute_seconds: int = 7 * 24 * 3600
    # Login throttling (services/user/login_throttle.py): free attempts per scope, then
    # doubling waits up to the caps; a scope starts afresh after a window without attempts.
    login_free_per_pair: int = 5  # one account from one address
    login_free_per_account: int = 20  # one account from any address
    login_free_per_address: int = 100  # any account from one address (a NAT, a proxy)
    login_max_delay_seconds: int = 900  # the pair's cap
    login_max_shared_delay_seconds: int = 60  # the account's and the address's cap
    login_window_seconds: int = 900
    trust_proxy_headers: bool = True  # take the client address from X-Real-IP (set by the gateway)
    argon2_time_cost: int = 2
    argon2_memory_kib: int = 19456
    # argon2id hashes one process runs at once (each holds argon2_memory_kib), and how long a
    # request waits for one before a 503 (well under the gateway's 30 s): docs/performance.md
    argon2_concurrency: int = Field(default=2, ge=1)
    argon2_wait_seconds: float = Field(default=10.0, ge=0)

    def secret_values(self) -> dict[str, Any]:
        return {"jwt_private_key": self.jwt_private_key}
