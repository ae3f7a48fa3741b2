"""The database backend's health check (advocacy/postgresql/base.py): no round trip, yet a dead connection is replaced.

Django's own check sends `SELECT 1` before each request's first query; on the call endpoint that
was a measurable share of every call, and with it off a PostgreSQL restart failed the first
request on each persistent connection.
"""

import select
import time

import pytest
from django.db import connection, connections

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _start_of_a_request():
    """What request_started does to a persistent connection: its next query is checked again."""
    connection.close_if_unusable_or_obsolete()
    assert connection.connection is not None, "the connection was kept across requests"


def _wait_until_readable(psycopg_connection, timeout=5.0):
    poller = select.poll()
    poller.register(psycopg_connection.fileno(), select.POLLIN)
    deadline = time.monotonic() + timeout
    while not poller.poll(50):
        assert time.monotonic() < deadline, "the server never closed the session"


def _backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def test_health_checks_are_on_by_default_with_this_backend():
    assert connection.settings_dict["ENGINE"] == "advocacy.postgresql"
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True


def test_a_healthy_connection_is_checked_without_a_query(monkeypatch):
    pid = _backend_pid()
    _start_of_a_request()

    def round_trip():
        raise AssertionError("the health check sent a query")

    monkeypatch.setattr(connection, "is_usable", round_trip)
    assert _backend_pid() == pid  # the same session, checked and kept
    assert connection.health_check_done


def test_a_session_the_server_ended_is_replaced_before_the_request_fails():
    pid = _backend_pid()
    _start_of_a_request()
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    finally:
        other.close()
    _wait_until_readable(connection.connection)

    new_pid = _backend_pid()  # would raise OperationalError on the ended session

    assert new_pid != pid


def test_an_open_transaction_is_never_replaced():
    from django.db import transaction

    with transaction.atomic():
        pid = _backend_pid()
        connection.health_check_done = False
        assert _backend_pid() == pid
