"""Two real `celery beat` processes and two workers: every member gets the call-day email once."""

from __future__ import annotations

import time

import pytest
from django.utils import timezone

from accounts.models import Membership
from rally.models import CallDay
from reminders.models import ReminderDelivery, ReminderKind
from tests.factories.accounts import ChapterFactory, MembershipFactory, UserFactory
from tests.factories.campaigns import CampaignFactory

from ._processes import wait_for
from .test_reliability import celery_env, own_redis, processes  # noqa: F401 - shared fixtures

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

TASK = "rally.send_call_day_emails"
MEMBERS = 40


def test_two_beats_and_two_workers_send_each_member_one_call_day_email(processes, celery_env, smtp_server, tmp_path):  # noqa: F811
    chapter = ChapterFactory(name="Beat Callers", slug="beat-callers", state="MO")
    campaign = CampaignFactory(chapter=chapter)
    members = [UserFactory(email=f"beat{i}@example.org", time_zone="America/Chicago") for i in range(MEMBERS)]
    for member in members:
        MembershipFactory(user=member, chapter=chapter, role=Membership.Role.MEMBER)
    today = timezone.now().astimezone(chapter.zone).date()
    CallDay.objects.create(chapter=chapter, campaign=campaign, day=today, message="All together now")

    env = {**celery_env("tests.integration._call_day_settings"), "TEST_SMTP_PORT": str(smtp_server.port)}
    workers = [processes.celery("worker", env=env, name=f"worker-{n}").spawn() for n in "ab"]
    beats = [
        processes.celery(
            "beat", env=env, name=f"beat-{n}", args=["--schedule", str(tmp_path / f"beat-{n}"), "--max-interval", "1"]
        ).spawn()
        for n in "ab"
    ]
    for process in workers + beats:
        process.wait_ready()

    wait_for(lambda: len(smtp_server.recipients()) >= MEMBERS, timeout=60, message="every member's email")
    time.sleep(4)  # several more beats from both processes: nobody may get a second one
    received = sum(worker.received(TASK) for worker in workers)
    assert received >= 6, f"only {received} call-day runs reached the workers"
    assert smtp_server.recipients() == sorted(m.email for m in members)
    assert ReminderDelivery.objects.filter(kind=ReminderKind.CALL_DAY, status="sent").count() == MEMBERS
