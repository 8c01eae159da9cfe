"""Cache-aside with generation invalidation (pamtalk.cache.Cache) against the real Redis."""

from __future__ import annotations

import uuid

import orjson
import pytest
from redis.asyncio import Redis

from pamtalk.cache import Cache


@pytest.fixture
async def cache(redis_url: str):
    redis = Redis.from_url(redis_url)
    yield Cache(redis, f"test-{uuid.uuid4().hex[:8]}", ttl=60)
    await redis.aclose()


def counter():
    calls: list[int] = []

    async def compute() -> dict[str, int]:
        calls.append(1)
        return {"n": len(calls)}

    return calls, compute


async def test_second_lookup_is_a_hit_with_the_same_bytes(cache: Cache) -> None:
    calls, compute = counter()
    first = await cache.get_or_compute("k", compute)
    second = await cache.get_or_compute("k", compute)
    assert first == (orjson.dumps({"n": 1}), False)
    assert second == (orjson.dumps({"n": 1}), True)
    assert len(calls) == 1
    assert await cache.get_or_compute("other", compute) == (orjson.dumps({"n": 2}), False)


async def test_invalidate_makes_every_key_stale_at_once(cache: Cache) -> None:
    _, compute = counter()
    await cache.get_or_compute("a", compute)
    await cache.get_or_compute("b", compute)
    await cache.invalidate()
    assert await cache.get_or_compute("a", compute) == (orjson.dumps({"n": 3}), False)
    assert await cache.get_or_compute("b", compute) == (orjson.dumps({"n": 4}), False)
    assert (await cache.get_or_compute("a", compute))[1] is True


async def test_value_computed_across_an_invalidation_is_not_served_after_it(cache: Cache) -> None:
    """A write that lands while a read computes: the read's (old) result must not stick."""

    async def compute_while_someone_writes() -> dict[str, str]:
        await cache.invalidate()
        return {"state": "before the write"}

    data, hit = await cache.get_or_compute("k", compute_while_someone_writes)
    assert (orjson.loads(data), hit) == ({"state": "before the write"}, False)

    async def fresh() -> dict[str, str]:
        return {"state": "after the write"}

    assert orjson.loads((await cache.get_or_compute("k", fresh))[0]) == {"state": "after the write"}


async def test_values_expire_with_the_ttl(cache: Cache) -> None:
    _, compute = counter()
    await cache.get_or_compute("k", compute)
    ttls = [await cache.redis.ttl(k) async for k in cache.redis.scan_iter(f"cache:{cache.namespace}:v:*")]
    assert ttls and all(0 < ttl <= 60 for ttl in ttls)
