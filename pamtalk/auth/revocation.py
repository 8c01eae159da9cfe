"""Access tokens that stop working before they expire, in every service within a second or two.

Access tokens are verified by each service on its own (no call to the user service per
request), so a logout, a session revoked for a reused refresh token, or a role change would
otherwise leave the old token working until it expires (15 minutes). The user service
announces each such revocation; every service process keeps the revocations in memory until
the tokens they concern have expired, and refuses those tokens.

Two kinds:
- a session (``sid`` claim): every token of that login (logout, refresh-token reuse);
- a user before a moment: every token of that user issued before it (role change, password
  change). The user service writes ``iat`` to the millisecond, so a token issued just after
  the change is not taken for an earlier one.

Transport: Redis, which every service already uses (the architecture's pub/sub). A
revocation is a member of the sorted set ``pamtalk:revocations`` scored by the time until
which it matters, and a message on the channel of the same name. A process subscribes first,
then loads the set, so nothing falls between; after a lost connection it does both again,
and it reloads the set every ``reload_seconds`` in any case. Members past their time are
pruned by whoever announces the next revocation.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from dataclasses import dataclass, field

from redis.asyncio import Redis

from pamtalk.auth.jwks import Principal

log = logging.getLogger("pamtalk.auth.revocation")
KEY = CHANNEL = "pamtalk:revocations"


def _session_member(session_id: str, until: float) -> str:
    return f"s|{session_id}|{until:.0f}"


def _user_member(user_id: uuid.UUID, before: float, until: float) -> str:
    return f"u|{user_id}|{before:.3f}|{until:.0f}"


async def _announce(redis: Redis, member: str, until: float) -> None:
    async with redis.pipeline(transaction=True) as pipe:
        pipe.zadd(KEY, {member: until})
        pipe.zremrangebyscore(KEY, "-inf", time.time())
        pipe.publish(CHANNEL, member)
        await pipe.execute()


async def revoke_session(redis: Redis, session_id: str, token_seconds: float) -> None:
    """Every access token of the session ``session_id`` stops working."""
    until = time.time() + token_seconds
    await _announce(redis, _session_member(session_id, until), until)


async def revoke_user(redis: Redis, user_id: uuid.UUID, token_seconds: float) -> None:
    """Every access token of ``user_id`` issued until now stops working."""
    now = time.time()
    await _announce(redis, _user_member(user_id, now, now + token_seconds), now + token_seconds)


@dataclass
class Revocations:
    """The revocations this process knows, until they no longer matter."""

    sessions: dict[str, float] = field(default_factory=dict)  # session id -> until
    users: dict[uuid.UUID, tuple[float, float]] = field(default_factory=dict)  # -> (before, until)
    loaded: bool = False

    def refuses(self, principal: Principal) -> bool:
        if not (self.sessions or self.users):
            return False
        if principal.session_id and principal.session_id in self.sessions:
            return True
        cut = self.users.get(principal.id)
        return cut is not None and principal.issued_at < cut[0]

    def add(self, member: str) -> None:
        """One revocation as announced (unknown shapes are ignored: a newer announcer)."""
        kind, _, rest = member.partition("|")
        try:
            if kind == "s":
                session_id, until = rest.rsplit("|", 1)
                self.sessions[session_id] = max(float(until), self.sessions.get(session_id, 0.0))
            elif kind == "u":
                user, before, until = rest.split("|")
                user_id = uuid.UUID(user)
                old_before, old_until = self.users.get(user_id, (0.0, 0.0))
                self.users[user_id] = (max(float(before), old_before), max(float(until), old_until))
        except ValueError:
            log.warning("ignored a revocation of unknown shape", extra={"member": member[:100]})

    def forget_expired(self, now: float) -> None:
        self.sessions = {sid: until for sid, until in self.sessions.items() if until > now}
        self.users = {uid: cut for uid, cut in self.users.items() if cut[1] > now}


class RevocationListener:
    """Keeps ``revocations`` current from Redis (see the module's docstring)."""

    def __init__(self, redis: Redis, revocations: Revocations, *, reload_seconds: float = 60.0) -> None:
        self.redis, self.revocations, self.reload_seconds = redis, revocations, reload_seconds
        self._task: asyncio.Task[None] | None = None
        self._stopping = False

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="auth:revocations")

    async def stop(self) -> None:
        """Stop listening. The loop also checks a flag every second: a cancellation that a
        Redis client call swallows must not keep the service from shutting down."""
        self._stopping = True
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, TimeoutError):
                await asyncio.wait_for(self._task, timeout=5)

    async def load(self) -> None:
        now = time.time()
        members = await self.redis.zrangebyscore(KEY, now, "+inf")
        fresh = Revocations(loaded=True)
        for member in members:
            fresh.add(member.decode() if isinstance(member, bytes) else str(member))
        # Announcements received while loading are kept: merged, not replaced.
        for member_sid, until in self.revocations.sessions.items():
            fresh.sessions[member_sid] = max(until, fresh.sessions.get(member_sid, 0.0))
        for user_id, cut in self.revocations.users.items():
            old = fresh.users.get(user_id, (0.0, 0.0))
            fresh.users[user_id] = (max(cut[0], old[0]), max(cut[1], old[1]))
        fresh.forget_expired(now)
        self.revocations.sessions, self.revocations.users = fresh.sessions, fresh.users
        self.revocations.loaded = True

    async def _run(self) -> None:
        backoff = 0.5
        while not self._stopping:
            try:
                async with self.redis.pubsub() as pubsub:
                    await pubsub.subscribe(CHANNEL)
                    await self.load()  # after subscribing: nothing announced meanwhile is missed
                    backoff = 0.5
                    reload_at = time.monotonic() + self.reload_seconds
                    while not self._stopping:
                        message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0)
                        if message is not None and message["type"] == "message":
                            data = message["data"]
                            self.revocations.add(data.decode() if isinstance(data, bytes) else str(data))
                        if time.monotonic() >= reload_at:
                            await self.load()
                            reload_at = time.monotonic() + self.reload_seconds
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # Redis gone: keep what we know, try again
                log.warning("revocations: Redis unavailable, retrying", extra={"error": repr(exc)})
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 5.0)
