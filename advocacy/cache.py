"""Django's Redis cache, made cheaper and fail-soft.

Cheaper: Django's RedisCacheClient builds a new redis.Redis object for every cache call; each
one fills a table of ~200 response callbacks, which showed up as several percent of the CPU of
logging a call. A redis.Redis client is thread-safe and only borrows connections from its pool
per command, so one per pool is enough.

Fail-soft: everything this project keeps in the cache is a hint (rate-limit counters, the
rollup nudge's debounce, cached lookups and dashboard halves), never the only copy of a fact.
So when Redis is down or hung, a read is a miss and a write is dropped, instead of a 500 on
sign-in or a call that waits. After a failure the cache stops trying for BACKOFF_SECONDS in
this process: a hung Redis (a partition, a stopped server) would otherwise make every
command wait out the socket timeout.

The settings use it whenever REDIS_URL is set.

Generations (Generation, ProcessCache, at the end): the one way a process keeps what it read
from the database in memory and drops it when another process changes the rows.
"""

import functools
import hashlib
import logging
import random
import threading
import time

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient
from redis.exceptions import NoScriptError, RedisError

from . import metrics

logger = logging.getLogger(__name__)

BACKOFF_SECONDS = 5.0


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


def _fail_soft(fallback):
    """Run the cache operation unless Redis failed moments ago; on a Redis error return fallback(args)."""

    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            if time.monotonic() < self._unusable_until:
                metrics.redis_fallback("skipped")
                return fallback(*args, **kwargs)
            try:
                return method(self, *args, **kwargs)
            except RedisError:
                _back_off(self)
                return fallback(*args, **kwargs)

        return wrapper

    return decorate


def _back_off(backend) -> None:
    """After a Redis failure: this process leaves Redis alone for BACKOFF_SECONDS."""
    backend._unusable_until = time.monotonic() + BACKOFF_SECONDS
    metrics.redis_fallback("failure")
    logger.warning("Redis cache unavailable for %ss; carrying on without it", BACKOFF_SECONDS, exc_info=True)


def _usable_redis_backend():
    """The default cache when it is Redis and not backing off, else None."""
    from django.core.cache import caches

    backend = caches["default"]
    if not isinstance(backend, RedisCache):
        return None
    if time.monotonic() < backend._unusable_until:
        metrics.redis_fallback("skipped")
        return None
    return backend


def _default(key, default=None, *args, **kwargs):
    return default


def _nothing(*args, **kwargs):
    return None


def _false(*args, **kwargs):
    return False


def _true(*args, **kwargs):
    return True


def _empty_dict(*args, **kwargs):
    return {}


def _all_failed(data, *args, **kwargs):
    return list(data)


def _missing(key, *args, **kwargs):
    raise ValueError(f"Key {key!r} not found.")  # as Django does for a key it doesn't have


def window_count(key: str, *, n: int = 1, timeout: float) -> int:
    """Add n to a counter that lives `timeout` seconds from its first use; the new count.

    For rate limits (fixed windows). While the cache is down the backend's add() says "added"
    and incr() finds nothing, so the count is just n: limits are lifted, nothing fails.
    """
    from django.core.cache import cache

    try:
        return cache.incr(key, n)
    except ValueError:  # no counter yet: the first use of this window
        if cache.add(key, n, timeout):
            return n
    try:
        return cache.incr(key, n)
    except ValueError:  # expired in between, or the cache went away: count from here
        return n


def redis_configured() -> bool:
    """Whether the default cache is Redis (else the embedded default or a test cache: nothing is shared)."""
    from django.core.cache import caches

    return isinstance(caches["default"], RedisCache)


def cache_available() -> bool:
    """False while the default cache is backing off after a Redis failure (always True for other caches)."""
    from django.core.cache import caches

    return time.monotonic() >= getattr(caches["default"], "_unusable_until", 0.0)


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
        self._unusable_until = 0.0

    get = _fail_soft(_default)(DjangoRedisCache.get)
    get_many = _fail_soft(_empty_dict)(DjangoRedisCache.get_many)
    has_key = _fail_soft(_false)(DjangoRedisCache.has_key)
    # add() reports "added": a lock or a debounce that no other process can see is ours to take
    # (allauth's rate-limit lock would otherwise refuse every sign-in). Code that must not touch
    # Redis-backed services during an outage asks cache_available() first.
    add = _fail_soft(_true)(DjangoRedisCache.add)
    set = _fail_soft(_nothing)(DjangoRedisCache.set)
    set_many = _fail_soft(_all_failed)(DjangoRedisCache.set_many)
    touch = _fail_soft(_false)(DjangoRedisCache.touch)
    delete = _fail_soft(_false)(DjangoRedisCache.delete)
    delete_many = _fail_soft(_nothing)(DjangoRedisCache.delete_many)
    incr = _fail_soft(_missing)(DjangoRedisCache.incr)


def redis_round_trip(queue_commands) -> list | None:
    """Send several Redis commands in one round trip through the default cache's client, fail-soft.

    `queue_commands(pipe, make_key)` queues them on a non-transactional pipeline (`make_key` adds
    the cache's key prefix, so keys match those of `cache.get` and friends). Returns their
    results in order, or None when the default cache is not Redis, is backing off after a
    failure, or fails now (which starts the back-off, as any cache call does). Values written
    here are raw Redis values: integers and strings read back by `cache.get` only when they are
    integers (Django stores ints unpickled) — keep other keys private to their callers.
    """
    backend = _usable_redis_backend()
    if backend is None:
        return None
    try:
        pipe = backend._cache.get_client(write=True).pipeline(transaction=False)
        queue_commands(pipe, backend.make_key)
        return pipe.execute()
    except RedisError:
        _back_off(backend)
        return None


class RedisScript:
    """A Lua script that Redis runs as one command (EVALSHA; the source is sent only once per server)."""

    def __init__(self, source: str):
        self.source = source
        self.sha = hashlib.sha1(source.encode(), usedforsecurity=False).hexdigest()


def redis_script(script: RedisScript, keys, args=()):
    """Run `script` on the default cache's Redis in one round trip, fail-soft; its reply, or None.

    `keys` get the cache's key prefix, so they match those of `cache.get` and friends. None when
    the default cache is not Redis, is backing off, or fails now (which starts the back-off, as
    any cache call does).

    Why not redis-py's Script or a pipeline: on the call endpoint's hot path their per-command
    machinery (retries, observability hooks, the response-callback lookup) cost more CPU than the
    round trip itself. This borrows a connection from the client's pool, sends one EVALSHA and
    reads one reply, which is what that machinery does in the end; a connection that fails is
    disconnected before it goes back to the pool, as redis-py does.
    """
    backend = _usable_redis_backend()
    if backend is None:
        return None
    pool = backend._cache.get_client(write=True).connection_pool
    full_keys = [backend.make_key(key) for key in keys]
    connection = None
    try:
        connection = pool.get_connection()
        try:
            connection.send_command("EVALSHA", script.sha, len(full_keys), *full_keys, *args)
            return connection.read_response()
        except NoScriptError:  # a new or restarted server: send the source once
            connection.send_command("EVAL", script.source, len(full_keys), *full_keys, *args)
            return connection.read_response()
    except RedisError:
        if connection is not None:
            connection.disconnect()
        _back_off(backend)
        return None
    finally:
        if connection is not None:
            pool.release(connection)


def new_generation() -> int:
    """A generation no key had before: 63 random bits, never 0.

    The call endpoint offers one on every call (used only when a generation is missing), so it
    comes from the process's Mersenne Twister, reseeded by Python in each forked worker, rather
    than from os.urandom, a system call per call. A generation only has to differ from the
    others; it guards no secret. An integer, so Django's Redis cache stores it unpickled and a
    Lua script or `cache.get` read the same value.
    """
    return random.getrandbits(63) or 1  # noqa: S311


class Generation:
    """A shared generation id: what any process derived from some rows is good while it is unchanged.

    It lives in the default cache: Redis when REDIS_URL is set, shared by every process; otherwise
    the embedded cache (`make run`'s file cache, shared by the web process and the workers of one
    machine; a test's local memory). Generations are random values, set when missing: a key lost
    in a Redis restart reads as a new value, never as an old one. The app that owns the rows
    calls invalidate() from its own signals (and after bulk writes, which send none).
    """

    def __init__(self, key: str):
        self.key = key  # before the cache's prefix; a Lua script may read it in its own round trip

    def current(self):
        """The generation now (one cache read); None while Redis is configured but failing: trust nothing."""
        from django.core.cache import caches

        backend = caches["default"]
        value = backend.get(self.key)
        if value is None:
            backend.add(self.key, new_generation(), None)
            value = backend.get(self.key)
        return value if value is not None and cache_available() else None

    def invalidate(self) -> None:
        """Replace the generation now and again when the transaction commits.

        The replacement after the commit is the one that matters (a process that reads the rows
        between the first one and the commit still sees the old rows); the first one makes the
        change visible at once outside a transaction.
        """
        from django.db import transaction

        self._replace()
        transaction.on_commit(self._replace)

    def _replace(self) -> None:
        from django.core.cache import caches

        caches["default"].set(self.key, new_generation(), None)
        # Only a Redis that failed loses a replacement; the embedded cache never does (no warning
        # on `make run`'s saves). Entries that trust a generation expire, which bounds the cost.
        if not cache_available():
            logger.warning("could not replace the generation %s: Redis is unavailable", self.key)


# Values that never change (a token's user), filed under one generation for ever.
FOREVER = "forever"
PROCESS_CACHE_MAX_ENTRIES = 10_000
_ABSENT = object()


class ProcessCache:
    """What this process derived from some rows, in memory, while their generation is unchanged.

    One policy for every such cache: filed under the generation it was read with (a new
    generation empties it), at most `max_entries` values (past it everything is dropped and filled
    again, so a burst of rare keys cannot grow a process without bound), one lock around the
    dict; a load runs outside the lock. A generation of None (Redis failing) keeps nothing.
    Read the generation before the rows, never after: a value read under a generation is then
    never older than it.
    """

    def __init__(self, *, max_entries: int = PROCESS_CACHE_MAX_ENTRIES):
        self.max_entries = max_entries
        self._lock = threading.Lock()
        self._generation = None
        self._values: dict = {}

    def _under(self, generation) -> dict:
        if generation != self._generation:
            self._generation, self._values = generation, {}
        return self._values

    def get_many(self, generation, keys) -> dict:
        """The values of `keys` held under this generation (a dict without the missing ones)."""
        if generation is None:
            return {}
        with self._lock:
            values = self._under(generation)
            return {key: values[key] for key in keys if key in values}

    def put_many(self, generation, values: dict) -> None:
        if generation is None:
            return
        with self._lock:
            held = self._under(generation)
            if len(held) + len(values) > self.max_entries:
                held = self._values = {}
            held.update(values)

    def get_or_load(self, generation, key, load):
        """The value under this generation, or load() (kept for the next caller)."""
        if generation is not None:
            with self._lock:
                value = self._under(generation).get(key, _ABSENT)
            if value is not _ABSENT:
                return value
        value = load()
        self.put_many(generation, {key: value})
        return value

    def clear(self) -> None:
        with self._lock:
            self._generation, self._values = None, {}
