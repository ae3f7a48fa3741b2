"""The calls rate (API_THROTTLE_CALLS, 600/min by default): one allowance per caller for the page, the API and batches.

A fixed-window counter: one Redis round trip a request (INCRBY and EXPIRE NX in one Lua script,
which the call endpoint's fast path extends with its own reads and writes). DRF's sliding window reads and rewrites the
whole list of recent request times (up to 600 for the calls rate) on every request; at 1,000
calls/s that list traffic dominates. A fixed window lets a client burst up to twice the rate
across a window edge, which is fine for a limit meant to stop runaway clients. A cache outage
must not stop calls being logged: while Redis is down the calls go through (advocacy/cache.py
keeps its failures soft; no code here catches them).
"""

import logging
import math
import time
from dataclasses import dataclass

from django.core.cache import caches
from rest_framework.throttling import ScopedRateThrottle

from advocacy import metrics
from advocacy.cache import RedisCache, RedisScript, redis_script, window_count

logger = logging.getLogger(__name__)

SCOPE = "calls"


def calls_rate_key(*, user_id) -> str:
    """The allowance's cache key for a signed-in caller, as DRF's scoped throttles name it."""
    return ScopedRateThrottle.cache_format % {"scope": SCOPE, "ident": user_id}


def calls_rate_take(*, ident: str, n: int = 1, rate: str | None = None) -> tuple[int, float]:
    """Take up to `n` calls from this allowance: (calls granted, seconds until the window ends)."""
    granted, wait, _ = calls_rate_take_with(ident=ident, n=n, rate=rate)
    return granted, wait


@dataclass(frozen=True)
class ScriptTail:
    """More Lua to run in the calls rate's Redis round trip: its keys are KEYS[2..], its args ARGV[3..].

    `lua` ends with a `return`; its value comes back as the third item of calls_rate_take_with.
    """

    lua: str
    keys: tuple
    args: tuple


# KEYS[1] the window's counter; ARGV[1] the calls to take, ARGV[2] the window's lifetime.
_RATE_LUA = """
local count = redis.call('INCRBY', KEYS[1], ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[2], 'NX')
"""
_scripts: dict[str, RedisScript] = {}


def _script(tail_lua: str) -> RedisScript:
    """The rate's Lua, then the tail's in a function of its own (so its `return` ends only itself)."""
    script = _scripts.get(tail_lua)
    if script is None:
        more = f"local more = (function()\n{tail_lua}\nend)()\n" if tail_lua else "local more = false\n"
        script = _scripts[tail_lua] = RedisScript(f"{_RATE_LUA}{more}return {{count, more}}")
    return script


def calls_rate_take_with(
    *, ident: str, n: int = 1, rate: str | None = None, more: ScriptTail | None = None
) -> tuple[int, float, object]:
    """calls_rate_take, plus the Lua of `more`, in the same Redis round trip (one EVALSHA).

    Returns (granted, wait, the reply of `more`), the last None when Redis was not reached (the
    calls are then let through), the cache is not Redis, or there is no `more`. The calls not
    granted are counted as refused (/metrics).
    """
    granted, wait, reply = _take_with(ident=ident, n=n, rate=rate, more=more)
    if granted < n:
        metrics.call_refused("rate", n - granted)
    return granted, wait, reply


def _take_with(*, ident: str, n: int, rate: str | None, more: ScriptTail | None) -> tuple[int, float, object]:
    limit, duration = ScopedRateThrottle.parse_rate(None, rate or CallsRateThrottle.THROTTLE_RATES[SCOPE])
    now = time.time()
    window = int(now // duration)
    key = f"{ident}:{window}"
    wait = max(0.0, (window + 1) * duration - now)

    keys, args = [key], [n, int(duration) + 1]
    if more is not None:
        keys.extend(more.keys)
        args.extend(more.args)
    reply = redis_script(_script(more.lua if more is not None else ""), keys, args)
    if reply is not None:
        count = reply[0]
        return max(0, min(n, limit - (count - n))), wait, reply[1]  # None without a tail (Lua false)
    if isinstance(caches["default"], RedisCache):  # down or backing off: let the calls through
        return n, 0.0, None
    # Another cache backend (development without Redis, some tests).
    count = window_count(key, n=n, timeout=duration + 1)
    return max(0, min(n, limit - (count - n))), wait, None


def calls_rate_allows_user(*, user) -> tuple[bool, int]:
    """One call by a signed-in caller (the call page): (allowed, whole seconds to wait when not)."""
    granted, wait = calls_rate_take(ident=calls_rate_key(user_id=user.pk))
    return granted == 1, math.ceil(wait)


class CallsRateThrottle(ScopedRateThrottle):
    """The "calls" scope for one-call endpoints: each request takes one call from the allowance."""

    def allow_request(self, request, view):
        self.scope = getattr(view, self.scope_attr, None)
        if not self.scope:
            return True
        self.rate = self.get_rate()
        ident = self.get_cache_key(request, view)
        if ident is None:
            return True
        granted, self._wait = calls_rate_take(ident=ident, rate=self.rate)
        return granted == 1

    def wait(self):
        return self._wait
