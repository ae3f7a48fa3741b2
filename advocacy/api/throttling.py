"""DRF throttles that let a request through when the cache (Redis) is unreachable.

A Redis outage must never stop a volunteer from logging a call: the call is one INSERT in
PostgreSQL, and losing rate limiting for the length of an outage is the lesser harm.
"""

import logging

from rest_framework import throttling

logger = logging.getLogger(__name__)


class FailOpenMixin:
    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except Exception:
            logger.warning("throttle cache unavailable; letting the request through", exc_info=True)
            return True


class AnonRateThrottle(FailOpenMixin, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(FailOpenMixin, throttling.UserRateThrottle):
    pass


class ScopedRateThrottle(FailOpenMixin, throttling.ScopedRateThrottle):
    pass
