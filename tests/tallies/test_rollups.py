import datetime as dt
from io import StringIO
from unittest import mock

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from accounts.models import Membership
from tallies import rollups
from tallies.models import (
    CallLog,
    CampaignTally,
    ChapterMemberTally,
    ChapterTally,
    DailyChapterTally,
    DailyTally,
    Outcome,
)
from tallies.rollups import rollup_calls, rollup_mark
from tallies.services import call_log_create
from tallies.tasks import rollup_calls_task
from tallies.verification import tally_verify
from tests.factories.tallies import CallLogFactory


def log_calls(n, **kwargs):
    return [CallLogFactory(**kwargs) for _ in range(n)]


def test_a_rollup_counts_every_call_once_and_moves_the_mark(national_campaign, chapter, offices, volunteer):
    calls = log_calls(
        3, campaign=national_campaign, chapter=chapter, office=offices["attorney_general"], user=volunteer
    )
    log_calls(
        2, campaign=national_campaign, chapter=chapter, office=offices["doj"], user=volunteer, outcome="voicemail"
    )

    result = rollup_calls()

    assert result.calls == 5
    assert rollup_mark() == max(c.pk for c in CallLog.objects.all()) >= calls[0].pk
    assert CampaignTally.objects.get(campaign_id=national_campaign.pk, outcome=Outcome.REACHED).n == 3
    assert CampaignTally.objects.get(campaign_id=national_campaign.pk, outcome=Outcome.VOICEMAIL).n == 2
    assert ChapterMemberTally.objects.get(chapter_id=chapter.pk, user_id=volunteer.pk).n == 5
    assert sum(DailyTally.objects.values_list("n", flat=True)) == 5
    assert tally_verify().differences == {}


def test_running_the_rollup_again_adds_nothing(national_campaign, chapter, offices):
    log_calls(4, campaign=national_campaign, chapter=chapter, office=offices["doj"])
    rollup_calls()
    rollup_calls()
    rollup_calls_task.delay()  # a duplicated message

    assert ChapterTally.objects.get(chapter_id=chapter.pk, campaign_id=national_campaign.pk).n == 4


def test_new_calls_after_a_rollup_are_added_to_the_same_rows(national_campaign, chapter, offices):
    log_calls(2, campaign=national_campaign, chapter=chapter, office=offices["doj"])
    rollup_calls()
    log_calls(3, campaign=national_campaign, chapter=chapter, office=offices["doj"])
    rollup_calls()

    assert ChapterTally.objects.get(chapter_id=chapter.pk, campaign_id=national_campaign.pk).n == 5
    assert tally_verify().differences == {}


def test_a_backlog_is_worked_off_in_several_bounded_batches(national_campaign, offices):
    log_calls(7, campaign=national_campaign, office=offices["doj"])

    result = rollup_calls(batch_size=3)

    assert result.batches == 3
    assert result.calls == 7
    assert CampaignTally.objects.get(campaign_id=national_campaign.pk).n == 7


def test_calls_without_chapter_or_caller_are_counted_under_zero(national_campaign, offices):
    CallLogFactory(campaign=national_campaign, office=offices["doj"], chapter=None, user=None)
    rollup_calls()

    assert ChapterTally.objects.get(chapter_id=0).n == 1
    assert ChapterMemberTally.objects.get(user_id=0).n == 1


def test_days_are_utc_dates_of_the_call(national_campaign, chapter, offices):
    late = dt.datetime(2026, 3, 1, 23, 30, tzinfo=dt.UTC)
    CallLogFactory(campaign=national_campaign, office=offices["doj"], chapter=chapter, created_at=late)
    rollup_calls()

    assert DailyChapterTally.objects.get(chapter_id=chapter.pk).day == dt.date(2026, 3, 1)


def test_a_rollup_that_fails_half_way_changes_nothing(national_campaign, chapter, offices, monkeypatch):
    log_calls(3, campaign=national_campaign, chapter=chapter, office=offices["doj"])

    def boom(**kwargs):
        raise RuntimeError("worker killed")

    rollups.rollup_window_added.connect(boom)
    try:
        with pytest.raises(RuntimeError):
            rollup_calls()
    finally:
        rollups.rollup_window_added.disconnect(boom)

    assert rollup_mark() == 0
    assert not ChapterTally.objects.exists()
    rollup_calls()
    assert ChapterTally.objects.get(chapter_id=chapter.pk).n == 3


def test_verify_tallies_is_clean_when_the_tallies_match(national_campaign, offices):
    log_calls(2, campaign=national_campaign, office=offices["doj"])
    rollup_calls()
    out = StringIO()

    call_command("verify_tallies", stdout=out)

    assert "Tallies match CallLog: 2 calls" in out.getvalue()


def test_verify_tallies_prints_the_difference_and_fails_when_a_tally_is_off(national_campaign, chapter, offices):
    log_calls(2, campaign=national_campaign, chapter=chapter, office=offices["doj"])
    rollup_calls()
    ChapterTally.objects.filter(chapter_id=chapter.pk).update(n=5)
    out = StringIO()

    with pytest.raises(CommandError):
        call_command("verify_tallies", stdout=out)

    assert "tallies_chaptertally: 1 differences" in out.getvalue()
    assert (
        f"chapter_id={chapter.pk}, campaign_id={national_campaign.pk}, outcome=reached: rollup 5, CallLog 2"
        in out.getvalue()
    )


def test_rollup_calls_command_reports_what_it_did(national_campaign, offices):
    log_calls(3, campaign=national_campaign, office=offices["doj"])
    out = StringIO()

    call_command("rollup_calls", stdout=out)

    assert "Rolled up 3 calls" in out.getvalue()


def test_logging_a_call_nudges_the_rollup_after_commit(
    national_campaign, offices, volunteer, django_capture_on_commit_callbacks
):
    action = national_campaign.actions.get()
    with django_capture_on_commit_callbacks(execute=True):
        call, created = call_log_create(
            user=volunteer, campaign=national_campaign, action=action, office=offices["doj"], outcome="reached"
        )

    assert created
    assert rollup_mark() == call.pk  # Celery is eager in tests: the nudge ran the rollup


def test_the_nudge_is_debounced_to_one_message_per_second(national_campaign, offices, volunteer):
    national_campaign.actions.get()
    with mock.patch("tallies.tasks.rollup_calls_task.apply_async") as send:
        from tallies.services import rollup_nudge

        for _ in range(50):
            rollup_nudge()

    assert send.call_count == 1


def test_a_broker_failure_never_fails_the_call(
    national_campaign, offices, volunteer, django_capture_on_commit_callbacks
):
    action = national_campaign.actions.get()
    with (
        mock.patch("tallies.tasks.rollup_calls_task.apply_async", side_effect=ConnectionError("Redis is down")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        call, created = call_log_create(
            user=volunteer, campaign=national_campaign, action=action, office=offices["doj"], outcome="reached"
        )

    assert created
    assert CallLog.objects.filter(pk=call.pk).exists()


def test_a_cache_failure_never_fails_the_call(
    national_campaign, offices, volunteer, django_capture_on_commit_callbacks, redis_down
):
    action = national_campaign.actions.get()
    with django_capture_on_commit_callbacks(execute=True):
        _, created = call_log_create(
            user=volunteer, campaign=national_campaign, action=action, office=offices["doj"], outcome="busy"
        )

    assert created


def test_the_beat_runs_the_rollup_every_few_seconds_and_drops_missed_beats():
    from advocacy.settings import base

    entry = base.CELERY_BEAT_SCHEDULE["tallies-rollup-calls"]
    assert entry["task"] == rollup_calls_task.name == "tallies.rollup_calls"
    assert entry["schedule"] <= 10
    assert entry["options"]["expires"] == entry["schedule"]
    assert settings.CELERY_TASK_ACKS_LATE  # a killed worker's message is delivered again


def test_chapter_calls_count_for_the_campaigns_chapter(chapter_campaign, chapter, offices, volunteer):
    assert Membership.objects.filter(user=volunteer, chapter=chapter).exists()
    action = chapter_campaign.actions.get()
    call_log_create(
        user=volunteer, campaign=chapter_campaign, action=action, office=offices["attorney_general"], outcome="reached"
    )
    rollup_calls()

    assert ChapterTally.objects.get(campaign_id=chapter_campaign.pk).chapter_id == chapter.pk


def test_deleting_an_account_keeps_its_calls_counted_and_the_tallies_consistent(national_campaign, chapter, offices):
    from accounts.services import user_delete
    from tests.factories.accounts import UserFactory

    leaver = UserFactory()
    log_calls(2, campaign=national_campaign, chapter=chapter, office=offices["doj"], user=leaver)
    rollup_calls()
    log_calls(1, campaign=national_campaign, chapter=chapter, office=offices["doj"], user=leaver)

    user_delete(user=leaver)
    rollup_calls()

    assert ChapterMemberTally.objects.get(chapter_id=chapter.pk, user_id=0).n == 3
    assert not ChapterMemberTally.objects.filter(user_id=leaver.pk).exists()
    assert tally_verify().differences == {}
