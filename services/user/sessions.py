"""Login sessions in Redis with rotating opaque refresh tokens.

A refresh token is ``<session id>.<generation>.<secret>``; the session keeps the hash of
the current generation's secret. Using the current token rotates it (generation + 1).
Presenting an older generation means a stolen token was used: the whole session is
revoked, its access tokens included. Sessions expire after ``idle`` seconds without a
refresh and, at the latest, ``absolute`` seconds after login."""

from __future__ import annotations

import hashlib
import secrets
import time
import uuid
from dataclasses import dataclass
from enum import Enum

from redis.asyncio import Redis
from redis.exceptions import WatchError

from pamtalk.auth.revocation import revoke_session, revoke_user

ACTIVE_USERS_KEY = "active_users"


class RefreshOutcome(Enum):
    ROTATED = "rotated"
    INVALID = "invalid"
    REUSED = "reused"  # an old token came back: session revoked


@dataclass
class Session:
    id: str
    user_id: uuid.UUID
    refresh_token: str


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class SessionStore:
    def __init__(self, redis: Redis, idle: int, absolute: int, *, token_seconds: int) -> None:
        self.redis, self.idle, self.absolute = redis, idle, absolute
        self.token_seconds = token_seconds  # how long an access token of the session lives

    @staticmethod
    def _key(sid: str) -> str:
        return f"session:{sid}"

    def _ttl(self, created: float) -> int:
        return max(1, min(self.idle, int(created + self.absolute - time.time())))

    async def create(self, user_id: uuid.UUID) -> Session:
        sid, secret, now = uuid.uuid4().hex, secrets.token_urlsafe(32), time.time()
        key = self._key(sid)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(key, mapping={"user_id": str(user_id), "gen": 0, "hash": _hash(secret), "created": now})
            pipe.expire(key, self._ttl(now))
            pipe.zadd(ACTIVE_USERS_KEY, {str(user_id): now})
            await pipe.execute()
        return Session(sid, user_id, f"{sid}.0.{secret}")

    async def rotate(self, token: str) -> tuple[RefreshOutcome, Session | None]:
        try:
            sid, gen_text, secret = token.split(".", 2)
            gen = int(gen_text)
        except ValueError:
            return RefreshOutcome.INVALID, None
        key = self._key(sid)
        async with self.redis.pipeline(transaction=True) as pipe:
            try:
                await pipe.watch(key)
                raw = await pipe.hgetall(key)
                data = {_text(k): _text(v) for k, v in raw.items()}
                if not data:
                    return RefreshOutcome.INVALID, None
                current = int(data["gen"])
                if gen < current:
                    await pipe.unwatch()
                    await self.revoke(sid)
                    return RefreshOutcome.REUSED, None
                if gen != current or not secrets.compare_digest(_hash(secret), data["hash"]):
                    return RefreshOutcome.INVALID, None
                new_secret, now = secrets.token_urlsafe(32), time.time()
                pipe.multi()
                pipe.hset(key, mapping={"gen": current + 1, "hash": _hash(new_secret)})
                pipe.expire(key, self._ttl(float(data["created"])))
                pipe.zadd(ACTIVE_USERS_KEY, {data["user_id"]: now})
                await pipe.execute()
            except WatchError:
                # Another refresh with the same token won the race: this one is a reuse.
                await self.revoke(sid)
                return RefreshOutcome.REUSED, None
        user_id = uuid.UUID(data["user_id"])
        return RefreshOutcome.ROTATED, Session(sid, user_id, f"{sid}.{current + 1}.{new_secret}")

    async def revoke(self, sid: str) -> None:
        """End the session: its refresh token stops working, and every service refuses its
        access tokens within a second or two (pamtalk.auth.revocation)."""
        await self.redis.delete(self._key(sid))
        await revoke_session(self.redis, sid, self.token_seconds)

    async def revoke_tokens_of(self, user_id: uuid.UUID) -> None:
        """Every access token of ``user_id`` issued until now stops working everywhere (after a
        role or password change); the user's next refresh gets a token that says what is true now."""
        await revoke_user(self.redis, user_id, self.token_seconds)

    async def alive(self, sid: str) -> bool:
        return bool(await self.redis.exists(self._key(sid)))

    async def active_users(self) -> int:
        cutoff = time.time() - self.idle
        await self.redis.zremrangebyscore(ACTIVE_USERS_KEY, 0, cutoff)
        return int(await self.redis.zcard(ACTIVE_USERS_KEY))
