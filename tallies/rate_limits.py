"""The calls rate (API_THROTTLE_CALLS, 600/min by default): one allowance per caller for the page, the API and batches.

A fixed-window counter: one Redis round trip a request (INCRBY and EXPIRE NX in one pipeline,
which the call endpoint's fast path extends with its own reads). DRF's sliding window reads and rewrites the
whole list of recent request times (up to 600 for the calls rate) on every request; at 1,000
calls/s that list traffic dominates. A fixed window lets a client burst up to twice the rate
across a window edge, which is fine for a limit meant to stop runaway clients. A cache outage
must not stop calls being logged: while Redis is down the calls go through (advocacy/cache.py
keeps its failures soft; no code here catches them).
"""

import logging
import math
import time

from django.core.cache import caches
from rest_framework.throttling import ScopedRateThrottle

from advocacy.cache import RedisCache, redis_round_trip, window_count

logger = logging.getLogger(__name__)

SCOPE = "calls"


def calls_rate_key(*, user_id) -> str:
    """The allowance's cache key for a signed-in caller, as DRF's scoped throttles name it."""
    return ScopedRateThrottle.cache_format % {"scope": SCOPE, "ident": user_id}


def calls_rate_take(*, ident: str, n: int = 1, rate: str | None = None) -> tuple[int, float]:
    """Take up to `n` calls from this allowance: (calls granted, seconds until the window ends)."""
    granted, wait, _ = calls_rate_take_with(ident=ident, n=n, rate=rate)
    return granted, wait


def calls_rate_take_with(
    *, ident: str, n: int = 1, rate: str | None = None, queue_more=None
) -> tuple[int, float, list | None]:
    """calls_rate_take, plus the commands `queue_more(pipe, make_key)` queues, in the same Redis round trip.

    Returns (granted, wait, the results of the extra commands), the last None when Redis was
    not reached (the calls are then let through) or the cache is not Redis.
    """
    limit, duration = ScopedRateThrottle.parse_rate(None, rate or CallsRateThrottle.THROTTLE_RATES[SCOPE])
    now = time.time()
    window = int(now // duration)
    key = f"{ident}:{window}"
    wait = max(0.0, (window + 1) * duration - now)

    def queue(pipe, make_key):
        full_key = make_key(key)
        pipe.incrby(full_key, n)
        pipe.expire(full_key, int(duration) + 1, nx=True)
        if queue_more is not None:
            queue_more(pipe, make_key)

    results = redis_round_trip(queue)
    if results is not None:
        count = results[0]
        return max(0, min(n, limit - (count - n))), wait, results[2:]
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
