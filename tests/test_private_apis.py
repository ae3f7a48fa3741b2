"""The private Django, redis-py and psycopg APIs that advocacy/cache.py and advocacy/db.py rely on, pinned.

Both modules reach under public APIs for speed (one redis.Redis per pool, one EVALSHA without
redis-py's per-command machinery, a server-side prepared cursor). An upgrade that renames or
reshapes one of these fails here, with the module and the name to look at, rather than as a
slower call endpoint or an AttributeError in production.
"""

import inspect

import pytest
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.utils.functional import cached_property


def parameters(function) -> list[str]:
    return list(inspect.signature(function).parameters)


def requires(owner, name: str, used_by: str):
    assert hasattr(owner, name), f"{owner.__module__}.{owner.__qualname__}.{name} is gone: {used_by} relies on it"
    return getattr(owner, name)


# advocacy/cache.py


def test_djangos_redis_cache_client_still_has_the_pool_helpers_the_cache_reuses():
    used_by = "advocacy.cache.RedisCacheClient.get_client (one redis.Redis per pool)"
    index = requires(RedisCacheClient, "_get_connection_pool_index", used_by)
    pool = requires(RedisCacheClient, "_get_connection_pool", used_by)
    assert parameters(index) == ["self", "write"], used_by
    assert parameters(pool) == ["self", "write"], used_by
    assert parameters(RedisCacheClient.get_client) == ["self", "key", "write"], used_by
    assert inspect.signature(RedisCacheClient.get_client).parameters["write"].kind is inspect.Parameter.KEYWORD_ONLY
    # `self._client` is the redis.Redis class the client builds clients with.
    client = RedisCacheClient(["redis://127.0.0.1:1/0"], pool_class="redis.ConnectionPool")
    import redis

    assert client._client is redis.Redis, f"{used_by}: RedisCacheClient._client is no longer redis.Redis"


def test_djangos_redis_cache_still_builds_its_client_from_class_and_caches_it():
    used_by = "advocacy.cache.RedisCache (its _class, its _cache, the methods it wraps fail-soft)"
    assert parameters(RedisCache.__init__) == ["self", "server", "params"], used_by
    assert isinstance(RedisCache.__dict__.get("_cache"), cached_property), used_by
    backend = RedisCache("redis://127.0.0.1:1/0", {})
    assert backend._class is RedisCacheClient, used_by
    for name in ("get", "get_many", "has_key", "add", "set", "set_many", "touch", "delete", "delete_many", "incr"):
        requires(RedisCache, name, used_by)
    requires(RedisCache, "make_key", "advocacy.cache.redis_round_trip and redis_script (the key prefix)")


def test_redis_py_still_lends_connections_that_send_one_command_and_read_one_reply():
    from redis import Redis
    from redis.connection import Connection, ConnectionPool
    from redis.exceptions import NoScriptError, RedisError

    used_by = "advocacy.cache.redis_script (EVALSHA on a borrowed connection)"
    assert issubclass(NoScriptError, RedisError), used_by
    get_connection = requires(ConnectionPool, "get_connection", used_by)
    # Called with no argument: redis-py 5.x still accepts (and ignores) a command name.
    assert all(
        p.default is not inspect.Parameter.empty or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
        for name, p in inspect.signature(get_connection).parameters.items()
        if name != "self"
    ), f"{used_by}: ConnectionPool.get_connection() now needs an argument"
    assert parameters(requires(ConnectionPool, "release", used_by))[:2] == ["self", "connection"], used_by
    requires(Connection, "send_command", used_by)
    requires(Connection, "read_response", used_by)
    requires(Connection, "disconnect", used_by)
    requires(Redis, "pipeline", "advocacy.cache.redis_round_trip")
    assert "transaction" in parameters(Redis.pipeline), "advocacy.cache.redis_round_trip: pipeline(transaction=...)"
    assert isinstance(Redis(connection_pool=ConnectionPool()).connection_pool, ConnectionPool), used_by


# advocacy/db.py


def test_djangos_database_wrapper_still_has_what_prepared_cursor_calls():
    from django.db.backends.base.base import BaseDatabaseWrapper

    used_by = "advocacy.db.prepared_cursor"
    for name in ("close_if_health_check_failed", "ensure_connection", "validate_thread_sharing", "make_cursor"):
        requires(BaseDatabaseWrapper, name, used_by)
    assert parameters(BaseDatabaseWrapper.make_cursor) == ["self", "cursor"], used_by
    assert isinstance(BaseDatabaseWrapper.__dict__.get("wrap_database_errors"), cached_property), used_by
    assert isinstance(BaseDatabaseWrapper.__dict__.get("queries_logged"), property), used_by


def test_djangos_postgresql_cursors_and_psycopg_still_prepare_on_request():
    pytest.importorskip("psycopg")
    import psycopg
    from django.db.backends.postgresql.base import CursorDebugWrapper, ServerBindingCursor
    from django.db.backends.postgresql.operations import DatabaseOperations

    used_by = "advocacy.db._cursor_classes (PreparingCursor, PreparedDebugWrapper)"
    assert issubclass(ServerBindingCursor, psycopg.Cursor), used_by
    execute = inspect.signature(ServerBindingCursor.execute).parameters
    assert list(execute)[:3] == ["self", "query", "params"], used_by
    assert {"prepare", "binary"} <= set(execute), f"{used_by}: Cursor.execute(prepare=, binary=) is gone"
    assert parameters(CursorDebugWrapper.debug_sql) == ["self", "sql", "params", "use_last_executed_query", "many"]
    assert parameters(DatabaseOperations.compose_sql) == ["self", "sql", "params"], used_by
    assert hasattr(psycopg.Connection, "prepare_threshold"), f"{used_by}: psycopg's prepare_threshold is gone"
