"""The API's throttles: DRF's own. A Redis outage lets requests through because the cache
backend fails soft (advocacy/cache.py: reads are misses, writes are dropped), not because each
throttle catches errors."""

from rest_framework import throttling

AnonRateThrottle = throttling.AnonRateThrottle
UserRateThrottle = throttling.UserRateThrottle
ScopedRateThrottle = throttling.ScopedRateThrottle
