"""Fixed-window counters in Redis, for brute-force protection and per-client limits."""

from __future__ import annotations

from redis.asyncio import Redis

from pamtalk.errors import Problem


class WindowCounter:
    """Counts events per key in a window of ``window`` seconds; over ``limit`` means blocked."""

    def __init__(self, redis: Redis, prefix: str, limit: int, window: int) -> None:
        self.redis, self.prefix, self.limit, self.window = redis, prefix, limit, window

    def _key(self, key: str) -> str:
        return f"rl:{self.prefix}:{key}"

    async def hit(self, key: str) -> int:
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.incr(self._key(key))
            pipe.expire(self._key(key), self.window, nx=True)
            count, _ = await pipe.execute()
        return int(count)

    async def retry_after(self, key: str) -> int | None:
        """Seconds until the key may try again, or None when it is not blocked."""
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.get(self._key(key))
            pipe.ttl(self._key(key))
            count, ttl = await pipe.execute()
        if count is not None and int(count) >= self.limit:
            return max(int(ttl), 1)
        return None

    async def reset(self, key: str) -> None:
        await self.redis.delete(self._key(key))


def too_many(retry_after: int, detail: str) -> Problem:
    return Problem(
        429,
        detail,
        type_="too-many-requests",
        headers={"Retry-After": str(retry_after)},
        retry_after=retry_after,
    )
