"""The Redis cache of public farm-list pages (300 s, the source plan's TTL).

A change any list may show invalidates it (its generation bumped) once its transaction has
committed (``tx.after_commit(list_cache.invalidate)``), so a reader can never cache a page
read before the commit under the new generation. Redis trouble never fails a request:
reads fall back to the database, and a failed invalidation is logged (entries die by TTL)."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import orjson
from redis.asyncio import Redis
from redis.exceptions import RedisError

from pamtalk.cache import Cache

log = logging.getLogger("pamtalk.farm.cache")


def cache_key(query: dict[str, Any]) -> str:
    raw = orjson.dumps(query, option=orjson.OPT_SORT_KEYS, default=str)
    return hashlib.blake2b(raw, digest_size=16).hexdigest()


class ListCache:
    def __init__(self, redis: Redis, ttl: int) -> None:
        self._cache = Cache(redis, "farm:list", ttl)

    async def get_or_compute(
        self, query: dict[str, Any], compute: Callable[[], Awaitable[bytes]]
    ) -> tuple[bytes, bool | None]:
        """The page's JSON (``compute`` gives it) and whether it was a cache hit (None:
        Redis unavailable)."""
        try:
            return await self._cache.get_or_compute(cache_key(query), compute)
        except RedisError as exc:
            log.warning("farm list cache unavailable", extra={"error_code": type(exc).__name__})
            return await compute(), None

    async def invalidate(self) -> None:
        try:
            await self._cache.invalidate()
        except RedisError as exc:
            log.warning("farm list cache not invalidated", extra={"error_code": type(exc).__name__})
