"""Database helpers that Django does not offer."""

import functools
import sys
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections
from django.utils.translation import gettext_lazy as _

# Seconds a client is told to wait (Retry-After) when the database cannot be reached.
UNREACHABLE_RETRY_AFTER_SECONDS = 5
UNREACHABLE_MESSAGE = _(
    "The service is briefly unavailable: its database cannot be reached. Try again in a few seconds."
)


def database_unreachable(exc: BaseException | None) -> bool:
    """The one rule for "the database cannot be reached" (stopped, restarting, refusing connections).

    A broken or failed connection (no SQLSTATE, InterfaceError), SQLSTATE class 08 (connection
    exception) or 57P (shutdown). Any other OperationalError is the query's own fault (a lock
    timeout, a cancelled statement), not an outage: it stays a 500 that is reported. The API's
    handler and the pages' 500 view answer a 503 with Retry-After for exactly these.
    """
    if isinstance(exc, InterfaceError):
        return True
    if not isinstance(exc, OperationalError):
        return False
    sqlstate = getattr(exc.__cause__, "sqlstate", None)
    return sqlstate is None or sqlstate.startswith(("08", "57P"))


@contextmanager
def prepared_cursor():
    """A cursor whose statements PostgreSQL plans once per connection, then reuses; elsewhere the usual cursor.

    Why: Django binds parameters on the client (psycopg's ClientCursor), so PostgreSQL parses and
    plans every statement it is sent. For the call INSERT (several lookups and the per-office
    limit in one statement) planning took several times as long as running it, on each of
    thousands of calls a second (bench/README.md has the figures). This cursor binds on the server and has psycopg prepare each
    statement on its first use on a connection (psycopg keeps the last 100 per connection and
    prepares again after a reconnect). It is still Django's cursor wrapper: queries are logged
    and counted in tests, and errors become django.db errors.

    Use it for hot statements only, with parameters whose types do not change between calls
    (cast them in the SQL where a value may be None). Behind PgBouncer in transaction mode,
    prepared statements need PgBouncer 1.21 or newer with max_prepared_statements set.
    """
    db = connections[DEFAULT_DB_ALIAS]  # once: each `connection.x` is a thread-local lookup
    if db.vendor != "postgresql":
        with db.cursor() as cursor:
            yield cursor
        return
    db.close_if_health_check_failed()
    db.ensure_connection()
    with db.wrap_database_errors:
        db.validate_thread_sharing()
        if db.connection.prepare_threshold is None:
            # Django opens connections with psycopg's preparation off, which also refuses an
            # explicit prepare=True. Django's own cursors bind on the client and never prepare,
            # so a threshold no statement reaches changes nothing but this cursor's requests.
            db.connection.prepare_threshold = sys.maxsize
        preparing_cursor, debug_wrapper = _cursor_classes()
        raw = preparing_cursor(db.connection)
        cursor = debug_wrapper(raw, db) if db.queries_logged else db.make_cursor(raw)
    with cursor:
        yield cursor


@functools.cache
def _cursor_classes():
    # Imported here: the PostgreSQL backend module needs psycopg, which SQLite setups may lack.
    from django.db.backends.postgresql.base import CursorDebugWrapper, ServerBindingCursor

    class PreparingCursor(ServerBindingCursor):
        def execute(self, query, params=None, *, prepare=True, binary=None):
            return super().execute(query, params, prepare=prepare, binary=binary)

    class PreparedDebugWrapper(CursorDebugWrapper):
        """Logs the statement with its values, as Django does when it binds on the server."""

        def debug_sql(self, sql=None, params=None, use_last_executed_query=False, many=False):
            if use_last_executed_query and not many:
                sql = self.db.ops.compose_sql(sql, params)
            return super().debug_sql(sql, params, use_last_executed_query=False, many=many)

    return PreparingCursor, PreparedDebugWrapper
