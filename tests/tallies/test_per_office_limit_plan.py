"""The per-office limit reads the caller's own recent calls, never every call to the office.

On a national call day most calls go to a few offices (the Department of Justice, one state's
Attorney General). The limit's count inside the call INSERT once let the planner AND in the
single-column office index, which lists every call to that office: with the statistics of a
table that grew since its last ANALYZE, every logged call read thousands of index entries, more
with each call (the benchmark saw PostgreSQL's CPU per call rise by half within a minute).
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tallies.models import CallLog, Outcome, Source
from tallies.services import call_log_create
from tests.factories.accounts import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def _calls(users, campaign, action, office, n):
    now = timezone.now()
    CallLog.objects.bulk_create(
        CallLog(
            user=users[i % len(users)],
            campaign=campaign,
            action=action,
            office=office,
            outcome=Outcome.REACHED,
            source=Source.API,
            created_at=now,
        )
        for i in range(n)
    )


def test_the_limit_count_scans_the_callers_calls_not_the_offices(volunteer, national_campaign, offices):
    ag = offices["attorney_general"]
    action = national_campaign.actions.get()
    others = UserFactory.create_batch(40)
    # Yesterday's statistics: calls spread over other offices, none yet to the Attorney General...
    for key in ("doj", "senator_1", "senator_3", "rep_1"):
        _calls(others, national_campaign, action, offices[key], 1_500)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE tallies_calllog")
    # ...then the campaign's launch sends everyone to the Attorney General before the next ANALYZE.
    _calls(others, national_campaign, action, ag, 20_000)

    with CaptureQueriesContext(connection) as queries:
        call_log_create(
            user=volunteer,
            campaign=national_campaign,
            action=action,
            office=ag,
            outcome=Outcome.REACHED,
            source=Source.API,
        )
    insert = next(q["sql"] for q in queries.captured_queries if q["sql"].startswith("INSERT INTO tallies_calllog"))
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + insert)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "tallies_calllog_office_id" not in plan, plan
    assert "tallies_calllog_action_id" not in plan, plan
    assert "tallies_cal_user_id_9f0164_idx" in plan, plan  # the (user, created_at) index
