import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.models import User
from advocacy.celery import app
from reminders.models import ReminderDelivery, ReminderKind
from reminders.selectors import week_start_for
from reminders.services import TransientSendError
from reminders.tasks import send_new_campaigns_task, send_weekly_digest_part_task, send_weekly_digest_task
from tests.factories.campaigns import CampaignFactory

Status = ReminderDelivery.Status
pytestmark = pytest.mark.django_db


def test_the_tasks_are_registered_under_their_stable_names():
    assert send_new_campaigns_task.name == "reminders.send_new_campaigns"
    assert send_weekly_digest_task.name == "reminders.send_weekly_digest"
    assert send_weekly_digest_part_task.name == "reminders.send_weekly_digest_part"
    assert {
        "reminders.send_new_campaigns",
        "reminders.send_weekly_digest",
        "reminders.send_weekly_digest_part",
    } <= set(app.tasks)


@pytest.fixture
def eager_retries(monkeypatch):
    """Let an eager task retry at once, as a worker would after the countdown.

    With eager propagation on (the test settings), Celery raises the Retry instead of running it.
    """
    monkeypatch.setattr(app.conf, "task_eager_propagates", False)


def test_beat_runs_new_campaigns_every_10_minutes_and_the_digest_on_mondays():
    from celery.schedules import crontab

    from advocacy.settings import base

    schedule = base.CELERY_BEAT_SCHEDULE
    assert "tallies-rollup-calls" in schedule
    new = schedule["reminders-send-new-campaigns"]
    assert (new["task"], new["schedule"], new["options"]["expires"]) == ("reminders.send_new_campaigns", 600.0, 600.0)
    weekly = schedule["reminders-send-weekly-digest"]
    assert weekly["task"] == "reminders.send_weekly_digest"
    assert weekly["schedule"] == crontab(minute=0, hour=15, day_of_week="mon")
    assert weekly["options"]["expires"] > 0


def test_a_transient_smtp_failure_is_retried_by_the_task_and_everyone_gets_one_email(
    smtp_server, make_volunteer, eager_retries
):
    users = [make_volunteer(f"v{i}@example.org", frequency=User.ReminderFrequency.WEEKLY) for i in range(3)]
    CampaignFactory()
    smtp_server.data_replies.append("421 4.7.0 Too busy, try again later")

    send_weekly_digest_task.delay(parts=1)  # eager in tests: the retry runs at once

    assert smtp_server.recipients() == sorted(u.email for u in users)
    assert set(ReminderDelivery.objects.values_list("status", flat=True)) == {Status.SENT}
    assert ReminderDelivery.objects.get(user=users[0]).attempts == 2


def test_the_weekly_digest_task_fans_out_to_parts_that_together_reach_everyone_once(smtp_server, make_volunteer):
    users = [make_volunteer(f"v{i}@example.org", frequency=User.ReminderFrequency.WEEKLY) for i in range(10)]
    CampaignFactory()

    send_weekly_digest_task.delay(parts=3)
    send_weekly_digest_task.delay(parts=3)  # a duplicated beat

    assert smtp_server.recipients() == sorted(u.email for u in users)
    keys = set(ReminderDelivery.objects.values_list("key", flat=True))
    assert keys == {f"week:{week_start_for(timezone.now()).isoformat()}"}


def test_giving_up_on_one_part_leaves_the_other_parts_waiting_rows_alone(make_volunteer):
    from reminders.services import reminders_fail_unsent

    users = [make_volunteer(f"v{i}@example.org", frequency=User.ReminderFrequency.WEEKLY) for i in range(4)]
    for user in users:
        ReminderDelivery.objects.create(
            user=user, kind=ReminderKind.WEEKLY_DIGEST, key="week:2026-11-23", email=user.email, status=Status.READY
        )

    reminders_fail_unsent(kind=ReminderKind.WEEKLY_DIGEST, key="week:2026-11-23", error="x", part=0, parts=2)

    failed = set(ReminderDelivery.objects.filter(status=Status.FAILED).values_list("user_id", flat=True))
    assert failed == {u.pk for u in users if u.pk % 2 == 0}


def test_the_new_campaigns_task_retries_a_transient_failure(smtp_server, make_volunteer, eager_retries):
    user = make_volunteer("n@example.org", frequency=User.ReminderFrequency.NEW_CAMPAIGNS)
    CampaignFactory()
    smtp_server.data_replies.append("451 4.3.0 Local problem, try later")

    send_new_campaigns_task.delay()

    assert smtp_server.recipients() == [user.email]


def test_after_the_last_retry_the_digests_still_waiting_are_marked_failed(smtp_server, make_volunteer, eager_retries):
    user = make_volunteer("v@example.org", frequency=User.ReminderFrequency.WEEKLY)
    CampaignFactory()
    smtp_server.always_reply = "421 4.7.0 Go away"

    week = week_start_for(timezone.now()).isoformat()
    result = send_weekly_digest_part_task.delay(week_start=week)

    assert result.state == "FAILURE"
    assert isinstance(result.result, TransientSendError)
    assert smtp_server.messages == []
    delivery = ReminderDelivery.objects.get(user=user)
    assert delivery.status == Status.FAILED
    assert "Gave up after retries" in delivery.error
    assert "421" in delivery.error
    assert delivery.attempts == 6  # the first try and 5 retries


def test_the_command_sends_the_digest_and_a_rerun_sends_nothing(smtp_server, make_volunteer):
    make_volunteer("v@example.org", frequency=User.ReminderFrequency.WEEKLY)
    CampaignFactory()
    out = StringIO()

    call_command("send_reminders", "weekly", stdout=out)
    call_command("send_reminders", "weekly", stdout=out)

    assert len(smtp_server.messages) == 1
    lines = out.getvalue().splitlines()
    assert "sent 1" in lines[0]
    assert "sent 0" in lines[1]


def test_the_command_dry_run_sends_nothing(smtp_server, make_volunteer):
    make_volunteer("n@example.org", frequency=User.ReminderFrequency.NEW_CAMPAIGNS)
    CampaignFactory()
    out = StringIO()

    call_command("send_reminders", "new-campaigns", "--dry-run", stdout=out)

    assert smtp_server.messages == []
    assert not ReminderDelivery.objects.exists()
    assert out.getvalue().startswith("[dry run] new_campaign campaign:")
    assert "would claim 1" in out.getvalue()


def test_the_command_sends_a_given_week(smtp_server, make_volunteer):
    make_volunteer("v@example.org", frequency=User.ReminderFrequency.WEEKLY)
    CampaignFactory()
    monday = week_start_for(timezone.now()) - dt.timedelta(weeks=1)

    call_command("send_reminders", "weekly", "--week", monday.isoformat(), stdout=StringIO())

    assert ReminderDelivery.objects.get().key == f"week:{monday.isoformat()}"
    assert ReminderDelivery.objects.get().kind == ReminderKind.WEEKLY_DIGEST


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["weekly", "--week", "soon"], "is not a date"),
        (["weekly", "--week", "2026-11-24"], "is not a Monday"),
        (["new-campaigns", "--week", "2026-11-23"], "only applies"),
        (["weekly", "--chunk-size", "0"], "at least 1"),
    ],
)
def test_the_command_refuses_bad_options_with_a_message(args, message):
    with pytest.raises(CommandError, match=message):
        call_command("send_reminders", *args, stdout=StringIO())


def test_the_command_reports_a_mail_server_that_says_try_later(smtp_server, make_volunteer):
    make_volunteer("v@example.org", frequency=User.ReminderFrequency.WEEKLY)
    CampaignFactory()
    smtp_server.always_reply = "421 4.7.0 Busy"

    with pytest.raises(CommandError, match="try later"):
        call_command("send_reminders", "weekly", stdout=StringIO())
