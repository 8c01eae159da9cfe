"""Redis: the client (real, or the in-process stand-in for the embedded mode), cache-aside
with the source plan's TTLs, and HTTP validators (ETag) for cacheable GETs."""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from typing import Any

import orjson
from redis.asyncio import BlockingConnectionPool, Redis
from starlette.requests import Request
from starlette.responses import Response

# TTLs of the source plan (seconds).
TTL_FARM_LIST = 300
TTL_FORECAST = 3600
TTL_DASHBOARD = 60
TTL_SESSION = 1800

_fake_server: Any = None


REDIS_CONNECTIONS = 24  # per process


def make_redis(url: str) -> Redis:
    """``fake`` gives the in-process stand-in (one shared server per process)."""
    if url == "fake":
        import fakeredis

        global _fake_server
        if _fake_server is None:
            _fake_server = fakeredis.FakeServer()
        client: Redis = fakeredis.FakeAsyncRedis(server=_fake_server)
        return client
    # A request that finds every connection busy waits for one (up to 5 s) instead of
    # failing: redis-py's default pool raises at its 100th concurrent command, which turned
    # a burst of logins into 503s. A command holds a connection for well under a millisecond,
    # so a few dozen serve a process; more only meant a burst opening them all at once, and
    # on a busy machine those connects ran past their timeout (503s again).
    pool = BlockingConnectionPool.from_url(
        url,
        max_connections=REDIS_CONNECTIONS,
        timeout=5,
        socket_timeout=2.0,
        socket_connect_timeout=2.0,
        health_check_interval=30,
    )
    return Redis.from_pool(pool)


class Cache:
    """Cache-aside of JSON values under a namespace, with version-based invalidation:
    ``invalidate()`` bumps the namespace's generation, so every older value is dead at once
    without scanning (they expire by their TTL).

    A value is stored under its plain key with the generation it was computed in as a prefix
    (``b"7|{...}"``), so one ``MGET`` of the generation and the value answers a lookup: one
    round trip, where a generation in the key name would need two."""

    def __init__(self, redis: Redis, namespace: str, ttl: int) -> None:
        self.redis, self.namespace, self.ttl = redis, namespace, ttl
        self._gen_key = f"cache:{namespace}:gen"
        self._prefix = f"cache:{namespace}:v:"

    async def get_or_compute(self, key: str, compute: Callable[[], Awaitable[Any]]) -> tuple[bytes, bool]:
        """The JSON bytes for ``key`` and whether they came from the cache."""
        full = self._prefix + key
        generation, cached = await self.redis.mget(self._gen_key, full)
        current = _as_bytes(generation) if generation is not None else b"0"
        if cached is not None:
            stored_in, _, data = _as_bytes(cached).partition(b"|")
            if stored_in == current:
                return data, True
        value = await compute()
        data = value if isinstance(value, bytes) else orjson.dumps(value, default=str)
        # Tagged with the generation read before computing: an invalidation meanwhile makes
        # this value stale at once.
        await self.redis.set(full, current + b"|" + data, ex=self.ttl)
        return data, False

    async def invalidate(self) -> None:
        await self.redis.incr(self._gen_key)


def _as_bytes(value: bytes | str) -> bytes:
    return value if isinstance(value, bytes) else value.encode()


def etag_for(data: bytes) -> str:
    return '"' + hashlib.blake2b(data, digest_size=12).hexdigest() + '"'


def etag_matches(header: str | None, tag: str) -> bool:
    """Weak comparison of an ``If-None-Match`` / ``If-Match`` list with ``tag`` (``*`` matches any)."""
    if not header:
        return False
    wanted = tag.removeprefix("W/")
    return any(t.strip() == "*" or t.strip().removeprefix("W/") == wanted for t in header.split(","))


def cached_json(
    request: Request,
    data: bytes,
    *,
    max_age: int,
    public: bool = True,
    hit: bool | None = None,
    etag: str | None = None,
) -> Response:
    """A JSON response with ``ETag`` and ``Cache-Control``; ``304`` when the client has it.
    The ETag is a hash of ``data`` unless the caller gives one (e.g. from a row version).

    ``public=True`` promises that ``data`` is the same for every caller: the gateway's edge
    cache then stores it and serves it to anyone, token or not (no ``Vary: Authorization``).
    Anything that depends on who asks must pass ``public=False``: never stored by the gateway."""
    tag = etag or etag_for(data)
    headers = {"ETag": tag, "Cache-Control": f"{'public' if public else 'private'}, max-age={max_age}"}
    if not public:
        headers["Vary"] = "Authorization"
    if hit is not None:
        headers["X-Cache"] = "HIT" if hit else "MISS"
    if etag_matches(request.headers.get("if-none-match"), tag):
        return Response(status_code=304, headers=headers)
    return Response(data, media_type="application/json", headers=headers)
