import time

import pytest

from advocacy.cache import RedisCache
from tests.smtp import free_port


@pytest.fixture
def dead_redis_cache():
    """The project's Redis cache pointed at a port where nothing listens."""
    return RedisCache(f"redis://127.0.0.1:{free_port()}/0", {"OPTIONS": {"socket_connect_timeout": 0.5}})


def test_a_cache_whose_redis_is_down_reads_as_misses_and_drops_writes(dead_redis_cache):
    assert dead_redis_cache.get("key", "fallback") == "fallback"
    assert dead_redis_cache.get_many(["a", "b"]) == {}
    assert dead_redis_cache.set("key", 1) is None
    assert dead_redis_cache.add("lock", 1) is True  # a lock nobody else can see is ours
    with pytest.raises(ValueError, match="not found"):
        dead_redis_cache.incr("counter")


def test_after_one_failure_the_cache_stops_trying_redis_for_a_while(dead_redis_cache, monkeypatch):
    dead_redis_cache.get("key")
    calls = []
    monkeypatch.setattr(dead_redis_cache._cache, "get", lambda *a, **k: calls.append(a))
    started = time.monotonic()
    for _ in range(100):
        dead_redis_cache.get("key")
    assert calls == []
    assert time.monotonic() - started < 0.1


def test_a_script_on_a_cache_whose_redis_is_down_is_none_and_starts_the_back_off(redis_down):
    from advocacy.cache import RedisScript, cache_available, redis_script

    assert redis_script(RedisScript("return 1"), []) is None
    assert not cache_available()


@pytest.mark.redis
def test_a_script_runs_in_one_round_trip_with_prefixed_keys_even_after_redis_forgot_it(settings):
    from django.core.cache import cache

    from advocacy.cache import RedisScript, redis_script

    script = RedisScript("redis.call('SET', KEYS[1], ARGV[1]) return redis.call('GET', KEYS[1])")
    assert redis_script(script, ["script-test"], ["1"]) == b"1"
    assert cache.get("script-test") == 1  # the key carries the cache's prefix, as cache.get expects

    cache._cache.get_client(write=True).script_flush()  # a restarted server knows no scripts
    assert redis_script(script, ["script-test"], ["2"]) == b"2"
