"""Django's Redis cache, reusing one redis.Redis client per connection pool.

Django's RedisCacheClient builds a new redis.Redis object for every cache call; each one fills
a table of ~200 response callbacks, which showed up as several percent of the CPU of logging a
call (the calls throttle and the rollup nudge each touch the cache). A redis.Redis client is
thread-safe and only borrows connections from its pool per command, so one per pool is enough.

The settings use it whenever REDIS_URL is set.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
