"""The PostgreSQL function that logs one call: the per-office lock, then the INSERT, in one statement.

The lock only keeps the per-office limit when the INSERT's count is read after it was granted:
a call that waited for the lock must count the call committed while it waited. Each statement of
a VOLATILE PL/pgSQL function takes a new snapshot; a STABLE one, or a lock taken inside the
INSERT statement itself, would count from before the wait and let a fourth call through.
"""

import threading
import time

import pytest
from django.db import connection, connections, transaction

from tallies.models import CallLog
from tallies.services import TooManyCallsToOffice, call_log_create

pytestmark = pytest.mark.postgres


def test_migrate_defines_one_volatile_call_function(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT provolatile FROM pg_proc WHERE proname LIKE 'tallies_call_insert_%%'")
        assert [row[0] for row in cursor.fetchall()] == ["v"]


def test_a_call_waiting_on_the_lock_counts_the_call_committed_meanwhile(
    transactional_db, settings, volunteer, national_campaign, offices
):
    settings.CALLS_PER_OFFICE_PER_DAY = 1
    call = {
        "user": volunteer,
        "campaign": national_campaign,
        "action": national_campaign.actions.get(),
        "office": offices["doj"],
        "outcome": "reached",
    }
    first_written, commit_first = threading.Event(), threading.Event()
    second: dict = {}

    def first():  # logs its call inside a transaction it keeps open: it holds the lock
        try:
            with transaction.atomic():
                call_log_create(**call)
                first_written.set()
                commit_first.wait(10)
        finally:
            connections.close_all()

    def then_second():  # as the API logs a call: no transaction of its own
        try:
            call_log_create(**call)
            second["outcome"] = "written"
        except TooManyCallsToOffice:
            second["outcome"] = "refused"
        finally:
            connections.close_all()

    holder = threading.Thread(target=first)
    holder.start()
    assert first_written.wait(10)
    waiter = threading.Thread(target=then_second)
    waiter.start()
    time.sleep(0.5)
    assert waiter.is_alive(), "the second call did not wait for the first one's lock"
    commit_first.set()
    holder.join(10)
    waiter.join(10)

    assert second == {"outcome": "refused"}
    assert CallLog.objects.count() == 1
