"""Failed-login throttling that slows guessing down without locking the owner out.

Every login attempt is **counted before its password is checked**, in one atomic Redis script:
a burst of concurrent guesses cannot slip between a check and a count. Three scopes count:

- the pair (account, address): a few free attempts, then each further attempt must wait a
  delay that doubles (1 s, 2 s, 4 s, ...) up to ``pair_max_delay`` (15 minutes);
- the account from any address, and the address for any account: many more free attempts,
  then a doubling delay capped low (``shared_max_delay``, a minute), so that an attacker who
  spreads guesses over many addresses, or many users behind one NAT or partner proxy, can slow
  the others down by at most that much, and never lock anyone out.

An attempt made while a scope still waits is refused (429 with ``Retry-After``) without its
password being evaluated and without being counted. A successful login clears the pair and
gives its attempt back to the shared scopes; an attempt the platform could not check (hashing
busy, the database away: a 503) is given back to every scope. A scope forgets its count
``window`` seconds after its last attempt. Times come from Redis itself, so every service
process agrees on them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from redis.asyncio import Redis

# KEYS: the scopes' hashes. ARGV: window (ms), then per key its free attempts and its
# delay cap (ms). Returns 0 when the attempt may be evaluated, else the wait in ms.
_ATTEMPT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[1])
local wait = 0
for i, key in ipairs(KEYS) do
  local next_at = tonumber(redis.call('HGET', key, 'next') or '0')
  if next_at - now > wait then wait = next_at - now end
end
if wait > 0 then return wait end
for i, key in ipairs(KEYS) do
  local free = tonumber(ARGV[2 * i])
  local cap = tonumber(ARGV[2 * i + 1])
  local count = redis.call('HINCRBY', key, 'count', 1)
  if count >= free then
    redis.call('HSET', key, 'next', now + math.min(cap, 1000 * 2 ^ (count - free)))
  end
  redis.call('PEXPIRE', key, window + cap)
end
return 0
"""

# KEYS: the scopes get their attempt back; ARGV[1] = 'clear': the pair (KEYS[1]) starts afresh.
_GIVE_BACK = """
local first = 1
if ARGV[1] == 'clear' then
  redis.call('DEL', KEYS[1])
  first = 2
end
for i = first, #KEYS do
  if tonumber(redis.call('HGET', KEYS[i], 'count') or '0') > 0 then
    redis.call('HINCRBY', KEYS[i], 'count', -1)
  end
end
return 0
"""


@dataclass(frozen=True)
class LoginPolicy:
    free_per_pair: int = 5
    free_per_account: int = 20
    free_per_address: int = 100
    pair_max_delay: int = 900  # seconds
    shared_max_delay: int = 60  # seconds
    window: int = 900  # seconds without attempts after which a scope starts afresh


class LoginThrottle:
    def __init__(self, redis: Redis, policy: LoginPolicy) -> None:
        self.policy = policy
        self._attempt = redis.register_script(_ATTEMPT)
        self._give_back = redis.register_script(_GIVE_BACK)

    @staticmethod
    def _keys(account: str, address: str) -> list[str]:
        return [f"login:pair:{account}|{address}", f"login:account:{account}", f"login:address:{address}"]

    async def attempt(self, account: str, address: str) -> int | None:
        """Count an attempt. None: evaluate its password; else the seconds to wait first."""
        p = self.policy
        wait_ms = int(
            await self._attempt(
                keys=self._keys(account, address),
                args=[
                    p.window * 1000,
                    p.free_per_pair,
                    p.pair_max_delay * 1000,
                    p.free_per_account,
                    p.shared_max_delay * 1000,
                    p.free_per_address,
                    p.shared_max_delay * 1000,
                ],
            )
        )
        return None if wait_ms <= 0 else max(1, math.ceil(wait_ms / 1000))

    async def succeeded(self, account: str, address: str) -> None:
        await self._give_back(keys=self._keys(account, address), args=["clear"])

    async def not_evaluated(self, account: str, address: str) -> None:
        """An attempt the platform could not check (a 503): it does not count."""
        await self._give_back(keys=self._keys(account, address), args=["keep"])
