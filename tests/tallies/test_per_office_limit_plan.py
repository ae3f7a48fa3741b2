"""The per-office limit reads the caller's own recent calls, never every call to the office.

On a national call day most calls go to a few offices (the Department of Justice, one state's
Attorney General). The limit's count inside the call INSERT once let the planner use the
single-column office index, which lists every call to that office: with statistics older than
the rush (a campaign's launch, a young table), every logged call read thousands of index
entries, more with each call (the benchmark saw PostgreSQL's CPU per call rise by half within a
minute). Another plan scanned the whole (chapter, created_at) index for the window. Both the
single call and the batch must read the caller's own calls through the (user, created_at) index.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tallies.models import CallLog, Outcome, Source
from tallies.services import call_log_create, call_log_create_batch
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


def _launch_after_analyze(others, campaign, action, offices):
    """Yesterday's statistics (calls spread over other offices, none yet to the Attorney General),
    then the campaign's launch sends everyone to the Attorney General before the next ANALYZE."""
    for key in ("doj", "senator_1", "senator_3", "rep_1"):
        _calls(others, campaign, action, offices[key], 1_500)
    _analyze()
    _calls(others, campaign, action, offices["attorney_general"], 20_000)


def _young_table(others, campaign, action, offices):
    """Statistics of a nearly empty table (a new deployment, or the benchmark's start), then a rush."""
    _analyze()
    _calls(others, campaign, action, offices["attorney_general"], 20_000)
    _calls(others, campaign, action, offices["doj"], 5_000)


def _analyze():
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE tallies_calllog")


@pytest.mark.parametrize("history", [_launch_after_analyze, _young_table])
def test_the_limit_count_scans_the_callers_calls_not_the_offices(
    settings, volunteer, national_campaign, offices, history
):
    settings.CALLS_PER_OFFICE_PER_DAY = 100
    ag = offices["attorney_general"]
    action = national_campaign.actions.get()
    history(UserFactory.create_batch(40), national_campaign, action, offices)

    def log_calls():
        # Past the five custom plans after which PostgreSQL may keep a generic one for the connection.
        for _ in range(7):
            call_log_create(
                user=volunteer,
                campaign=national_campaign,
                action=action,
                office=ag,
                outcome=Outcome.REACHED,
                source=Source.API,
            )

    plans = _plans_of_the_inserts(log_calls)

    assert len(plans) == 7
    for plan in plans:
        _assert_only_the_callers_index(plan.splitlines())


def _plans_of_the_inserts(run) -> list[str]:
    """The plans the call INSERTs ran with, inside the call function: auto_explain, sent to this session as notices."""
    notices = []

    def keep(diagnostic):
        notices.append(diagnostic.message_primary)

    with connection.cursor() as cursor:
        cursor.execute("LOAD 'auto_explain'")
        for setting in ("log_min_duration = 0", "log_nested_statements = on", "log_level = notice"):
            cursor.execute(f"SET auto_explain.{setting}")
    connection.connection.add_notice_handler(keep)
    try:
        run()
    finally:
        connection.connection.remove_notice_handler(keep)
        with connection.cursor() as cursor:
            cursor.execute("SET auto_explain.log_min_duration = -1")
    return [notice for notice in notices if "INSERT INTO tallies_calllog" in notice]


@pytest.mark.parametrize("history", [_launch_after_analyze, _young_table])
def test_a_batch_reads_the_callers_calls_not_the_offices(volunteer, national_campaign, offices, history):
    action = national_campaign.actions.get()
    history(UserFactory.create_batch(40), national_campaign, action, offices)
    item = {"campaign": national_campaign.slug, "action": action.pk, "outcome": "voicemail", "idempotency_key": "b-1"}

    with CaptureQueriesContext(connection) as queries:
        call_log_create_batch(user=volunteer, items=[{**item, "office": offices["doj"].pk}])
    window = next(q["sql"] for q in queries.captured_queries if "(c.user_id, c.created_at) >" in q["sql"])

    _assert_reads_only_the_callers_calls(window)


def _assert_reads_only_the_callers_calls(sql: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql)
        _assert_only_the_callers_index([row[0] for row in cursor.fetchall()])


def _assert_only_the_callers_index(plan: list[str]) -> None:
    scans = [line for line in plan if "Scan" in line and " on tallies_calllog " in line]
    assert scans, "\n".join(plan)
    # Only the (user, created_at) index: never a scan of every call to the office, the action,
    # the campaign or the chapter in the window.
    assert all("tallies_cal_user_id_9f0164_idx" in line for line in scans), "\n".join(plan)
