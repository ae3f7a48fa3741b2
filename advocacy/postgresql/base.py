"""Django's PostgreSQL backend, with a health check that costs no round trip to the server.

Why: a persistent connection outlives a PostgreSQL restart (a failover, a minor upgrade). With
CONN_HEALTH_CHECKS, Django checks it before the first query of each request with a `SELECT 1`:
a round trip, and a statement for the server to parse and run, on every request. On the call
endpoint that was about 8% of logging a call (bench/README.md). Without any check, the first
request on each broken connection fails (a 503) before the connection is replaced.

A server that ends a session (a restart, a `pg_terminate_backend`, a crash that takes the
process down) writes its last message or closes the socket, so an idle connection whose socket
has something to read is no longer one to send a query on. Asking the kernel whether the socket
is readable is one `poll()` and no traffic; a readable socket closes the connection, and the
request's first query opens a new one. What it cannot see, a server gone silent behind a broken
network, is bounded by the connect timeout and by `close_if_unusable_or_obsolete` after the
failed request, as before.
"""

import select

from django.db.backends.postgresql import base
from psycopg.pq import TransactionStatus


def server_hung_up(connection) -> bool:
    """True when this idle psycopg connection was ended by the server (or is unusable anyway)."""
    if connection.closed or connection.broken:
        return True
    if connection.info.transaction_status != TransactionStatus.IDLE:
        return False  # a transaction is open: not a moment to replace the connection
    try:
        poller = select.poll()
        poller.register(connection.fileno(), select.POLLIN)
        return bool(poller.poll(0))
    except (OSError, ValueError):
        return True


class DatabaseWrapper(base.DatabaseWrapper):
    def close_if_health_check_failed(self):
        if self.pool or self.connection is None or not self.health_check_enabled or self.health_check_done:
            return
        if server_hung_up(self.connection):
            self.close()
        self.health_check_done = True
