"""The rollup under a real Celery worker, Redis and PostgreSQL: killed mid-rollup, raced, read at once."""

import time
from http import HTTPStatus
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from tallies.models import CallLog, CampaignTally, ChapterTally
from tallies.rollups import rollup_mark
from tallies.selectors import tally_campaign_totals
from tallies.services import call_log_create
from tests.integration.rollup_pause import MARKER_ENV, PAUSE_ENV

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _no_per_office_limit(settings):
    """These tests log many calls from one volunteer to one office; the limit has its own tests."""
    settings.CALLS_PER_OFFICE_PER_DAY = 1_000_000


def bulk_calls(n, *, campaign, office, chapter, user):
    action = campaign.actions.get()
    CallLog.objects.bulk_create(
        CallLog(user=user, campaign=campaign, action=action, office=office, chapter=chapter, outcome="reached")
        for _ in range(n)
    )


def send_rollup():
    from advocacy.celery import app

    app.send_task("tallies.rollup_calls")


def wait_for(condition, *, timeout=60, every=None, message="condition"):
    deadline = time.monotonic() + timeout
    last_sent = 0.0
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {message}")
        if every and time.monotonic() - last_sent > 2:
            every()  # messages are wake-up hints: send another until the work is done
            last_sent = time.monotonic()
        time.sleep(0.1)


def test_a_worker_killed_in_the_middle_of_a_rollup_loses_and_doubles_nothing(
    worker, tmp_path, national_campaign, chapter, offices, volunteer
):
    bulk_calls(5000, campaign=national_campaign, office=offices["doj"], chapter=chapter, user=volunteer)
    marker = tmp_path / "rolling-up"

    worker.start(**{PAUSE_ENV: "120", MARKER_ENV: str(marker)})
    send_rollup()
    wait_for(marker.exists, message="the rollup to reach its commit")
    worker.kill9()

    # The killed transaction is rolled back: nothing was counted, the mark did not move.
    wait_for(lambda: not _rollup_lock_held(), timeout=30, message="PostgreSQL to drop the dead session")
    assert rollup_mark() == 0
    assert not ChapterTally.objects.exists()

    bulk_calls(700, campaign=national_campaign, office=offices["doj"], chapter=chapter, user=volunteer)
    worker.start()
    last_id = CallLog.objects.order_by("-id").values_list("id", flat=True).first()
    wait_for(lambda: rollup_mark() == last_id, every=send_rollup, message="the restarted worker to catch up")

    out = StringIO()
    call_command("verify_tallies", stdout=out)
    assert "Tallies match CallLog: 5700 calls" in out.getvalue()
    assert CampaignTally.objects.get(campaign_id=national_campaign.pk).n == CallLog.objects.count() == 5700


def test_duplicated_messages_to_a_worker_never_double_count(worker, national_campaign, chapter, offices, volunteer):
    worker.start()
    for round_ in range(3):
        bulk_calls(400, campaign=national_campaign, office=offices["doj"], chapter=chapter, user=volunteer)
        for _ in range(5):
            send_rollup()
        last_id = CallLog.objects.order_by("-id").values_list("id", flat=True).first()
        wait_for(lambda last_id=last_id: rollup_mark() == last_id, every=send_rollup, message=f"round {round_}")

    assert CampaignTally.objects.get(campaign_id=national_campaign.pk).n == 1200
    call_command("verify_tallies", stdout=StringIO())


def test_a_dashboard_read_right_after_a_call_is_exact(
    worker, client, national_campaign, chapter, chapter_lead, offices, volunteer
):
    worker.start()  # rolling up concurrently, nudged after every commit
    action = national_campaign.actions.get()
    client.force_login(chapter_lead)
    url = reverse("api:chapter-tally", kwargs={"slug": chapter.slug})
    for n in range(1, 31):
        call_log_create(
            user=volunteer, campaign=national_campaign, action=action, office=offices["doj"], outcome="reached"
        )

        response = client.get(url)

        assert response.status_code == HTTPStatus.OK
        assert response.json()["total"] == n
        assert tally_campaign_totals(campaign_ids=[national_campaign.pk]) == {national_campaign.pk: n}
    last_id = CallLog.objects.order_by("-id").values_list("id", flat=True).first()
    wait_for(lambda: rollup_mark() == last_id, every=send_rollup, message="the nudged rollups")
    assert "tallies.rollup_calls" in worker.log()
    call_command("verify_tallies", stdout=StringIO())


def _rollup_lock_held() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND state LIKE 'idle in transaction%%'"
        )
        return cursor.fetchone()[0] > 0
