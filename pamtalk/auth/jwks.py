"""Verify access tokens against the user service's JWKS (public keys only).

Only asymmetric algorithms are accepted (``EdDSA``, ``RS256``): ``alg=none`` and HMAC
tokens are refused whatever their header says. Keys are fetched once, cached, and fetched
again (at most every ``refetch_interval`` seconds) when a token names an unknown ``kid``,
so key rotation needs no restart."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import jwt
from jwt import PyJWK

ALGORITHMS = ["EdDSA", "RS256"]
JwksFetcher = Callable[[], Awaitable[dict[str, Any]]]


class InvalidToken(Exception):
    pass


@dataclass(frozen=True)
class Principal:
    """The caller, as the access token says."""

    id: uuid.UUID
    role: str
    session_id: str
    email: str = ""
    issued_at: float = 0.0  # the token's iat (seconds since the epoch)

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def http_fetcher(url: str, client: httpx.AsyncClient | None = None) -> JwksFetcher:
    async def fetch() -> dict[str, Any]:
        owned = client is None
        c = client or httpx.AsyncClient(timeout=5.0)
        try:
            response = await c.get(url)
            response.raise_for_status()
            data: dict[str, Any] = response.json()
            return data
        finally:
            if owned:
                await c.aclose()

    return fetch


class JwksVerifier:
    def __init__(
        self,
        fetch: JwksFetcher,
        *,
        issuer: str,
        audience: str,
        leeway: float = 10.0,
        refetch_interval: float = 30.0,
        cache_size: int = 50_000,
    ) -> None:
        self._fetch = fetch
        self.issuer, self.audience, self.leeway = issuer, audience, leeway
        self.refetch_interval = refetch_interval
        self._keys: dict[str, PyJWK] = {}
        self._fetched_at = 0.0
        self._lock = asyncio.Lock()
        # Tokens already verified, until they expire: a client sends the same token with
        # every request for 15 minutes, and a signature check is the costly part of verifying one.
        self._verified: OrderedDict[str, tuple[Principal, float]] = OrderedDict()
        self.cache_size = cache_size

    async def _refresh(self) -> None:
        async with self._lock:
            if time.monotonic() - self._fetched_at < self.refetch_interval and self._keys:
                return
            data = await self._fetch()
            keys = {}
            for jwk in data.get("keys", []):
                if "kid" in jwk:
                    keys[jwk["kid"]] = PyJWK.from_dict(jwk)
            self._keys = keys
            self._fetched_at = time.monotonic()

    async def key_for(self, kid: str) -> PyJWK:
        if kid not in self._keys:
            try:
                await self._refresh()
            except (httpx.HTTPError, ValueError) as exc:
                raise InvalidToken("signing keys are unavailable") from exc
        key = self._keys.get(kid)
        if key is None:
            raise InvalidToken("token signed with an unknown key")
        return key

    async def verify(self, token: str) -> Principal:
        cached = self._verified.get(token)
        if cached is not None:
            principal, expires = cached
            if time.time() < expires + self.leeway:
                return principal
            del self._verified[token]
            raise InvalidToken("token expired")
        principal, expires = await self._verify_signed(token)
        self._verified[token] = (principal, expires)
        if len(self._verified) > self.cache_size:
            self._verified.popitem(last=False)
        return principal

    async def _verify_signed(self, token: str) -> tuple[Principal, float]:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise InvalidToken("malformed token") from exc
        if header.get("alg") not in ALGORITHMS:
            raise InvalidToken("token algorithm not accepted")
        key = await self.key_for(str(header.get("kid", "")))
        try:
            claims = jwt.decode(
                token,
                key=key.key,
                algorithms=[key.algorithm_name],
                audience=self.audience,
                issuer=self.issuer,
                leeway=self.leeway,
                options={"require": ["exp", "iat", "sub", "iss", "aud"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise InvalidToken("token expired") from exc
        except jwt.PyJWTError as exc:
            raise InvalidToken("token is not valid") from exc
        if claims.get("typ") != "access":
            raise InvalidToken("not an access token")
        try:
            principal = Principal(
                id=uuid.UUID(claims["sub"]),
                role=str(claims["role"]),
                session_id=str(claims.get("sid", "")),
                email=str(claims.get("email", "")),
                issued_at=float(claims["iat"]),
            )
            return principal, float(claims["exp"])
        except (KeyError, ValueError) as exc:
            raise InvalidToken("token claims are incomplete") from exc
