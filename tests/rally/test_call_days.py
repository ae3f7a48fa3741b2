import datetime as dt
import threading
from http import HTTPStatus

import pytest
from django.db import connection
from django.urls import reverse

from accounts.models import User
from rally.models import CallDay
from rally.services import RallyError, call_day_schedule, call_days_send_emails
from rally.tasks import send_call_day_emails_task
from reminders.models import ReminderDelivery, ReminderKind
from tallies.rollups import rollup_calls
from tests.factories.tallies import CallLogFactory

UTC = dt.UTC
DAY = dt.date(2026, 12, 3)  # a Thursday


def at(text):
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.fixture
def call_day(chapter, campaign, chapter_lead):
    return call_day_schedule(
        chapter=chapter,
        campaign=campaign,
        day=DAY,
        starts_at=dt.time(12, 0),
        ends_at=dt.time(19, 0),
        message="Bring a friend!",
        user=chapter_lead,
        now=at("2026-11-29 12:00"),
    )


def test_a_lead_plans_a_call_day_from_the_rally_page(client, chapter, campaign, chapter_lead, volunteer):
    client.force_login(chapter_lead)
    url = reverse("rally:call_day_create", args=[chapter.slug, campaign.slug])
    tomorrow = (dt.datetime.now(UTC) + dt.timedelta(days=2)).date()
    response = client.post(
        url, {"day": tomorrow.isoformat(), "starts_at": "10:00", "ends_at": "18:00", "message": "Hi"}
    )
    assert response.status_code == HTTPStatus.FOUND
    assert CallDay.objects.get().day == tomorrow
    # The same day again, or a day in the past: a message, not a 500.
    again = client.post(url, {"day": tomorrow.isoformat(), "starts_at": "10:00", "ends_at": "18:00"})
    assert again.status_code == HTTPStatus.BAD_REQUEST
    assert "already a call day" in again.content.decode()
    past = client.post(url, {"day": "2020-01-01", "starts_at": "10:00", "ends_at": "18:00"})
    assert past.status_code == HTTPStatus.BAD_REQUEST
    bad = client.post(url, {"day": "not a day", "starts_at": "25:00", "ends_at": ""})
    assert bad.status_code == HTTPStatus.BAD_REQUEST
    # Members can't.
    client.force_login(volunteer)
    assert client.post(url, {"day": tomorrow.isoformat()}).status_code == HTTPStatus.NOT_FOUND


def test_a_call_day_must_end_after_it_starts(chapter, campaign):
    with pytest.raises(RallyError):
        call_day_schedule(
            chapter=chapter,
            campaign=campaign,
            day=DAY,
            starts_at=dt.time(18, 0),
            ends_at=dt.time(9, 0),
            now=at("2026-11-29 12:00"),
        )


def test_the_email_goes_out_the_morning_of_the_day_in_each_members_own_zone(
    smtp_server, call_day, make_member, chapter_lead
):
    new_york = make_member("ny@example.org", time_zone="America/New_York")
    los_angeles = make_member("la@example.org", time_zone="America/Los_Angeles")
    make_member("never@example.org", reminder_frequency=User.ReminderFrequency.NEVER)
    make_member("unverified@example.org", verified=False)

    call_days_send_emails(now=at("2026-12-03 12:30"))  # 07:30 in New York: too early
    assert smtp_server.recipients() == []
    call_days_send_emails(now=at("2026-12-03 13:05"))  # 08:05 New York, 05:05 Los Angeles
    # The lead is a member too, in New York's zone (the default).
    assert smtp_server.recipients() == sorted([chapter_lead.email, new_york.email])
    call_days_send_emails(now=at("2026-12-03 16:00"))  # 08:00 Los Angeles
    assert smtp_server.recipients() == sorted([chapter_lead.email, los_angeles.email, new_york.email])
    call_days_send_emails(now=at("2026-12-04 16:00"))  # the next day: nothing more
    assert len(smtp_server.recipients()) == 3

    mail = smtp_server.to(new_york.email)[0]
    assert "call day" in mail.subject
    assert "Bring a friend!" in mail.text
    assert "12:00–19:00 (Chicago · Central Time)" in mail.text
    assert mail.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/reminders/unsubscribe/" in mail.message["List-Unsubscribe"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_beats_at_once_and_every_later_beat_send_each_volunteer_one_email(smtp_server, settings):
    """Two beat processes fire the task at the same moment; both runs race over the same ledger rows."""
    from django.utils import timezone

    from accounts.models import Membership
    from tests.factories.accounts import ChapterFactory, MembershipFactory, UserFactory
    from tests.factories.campaigns import CampaignFactory

    chapter = ChapterFactory(slug="beats", state="MO")
    campaign = CampaignFactory(chapter=chapter)
    users = [UserFactory(email=f"beat{i}@example.org", time_zone="America/Chicago") for i in range(30)]
    for user in users:
        MembershipFactory(user=user, chapter=chapter, role=Membership.Role.MEMBER)
    today = timezone.now().astimezone(chapter.zone).date()
    CallDay.objects.create(chapter=chapter, campaign=campaign, day=today)
    settings.RALLY_CALL_DAY_EMAIL_HOUR = 0  # any hour of the day will do here

    barrier = threading.Barrier(2)
    errors = []

    def beat():
        try:
            barrier.wait()
            send_call_day_emails_task.apply()
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=beat) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    send_call_day_emails_task.apply()  # the next beat
    assert errors == []
    assert smtp_server.recipients() == sorted(u.email for u in users)
    assert ReminderDelivery.objects.filter(kind=ReminderKind.CALL_DAY, status="sent").count() == 30


def test_the_campaign_page_shows_calls_so_far_today_live_during_the_call_day(
    client, chapter, campaign, volunteer, offices
):
    today = dt.datetime.now(UTC).astimezone(chapter.zone).date()
    call_day = CallDay.objects.create(chapter=chapter, campaign=campaign, day=today, message="Go go go")
    CallLogFactory(campaign=campaign, chapter=chapter, office=offices["attorney_general"], user=volunteer)
    CallLogFactory(
        campaign=campaign,
        chapter=chapter,
        office=offices["attorney_general"],
        user=volunteer,
        created_at=dt.datetime.now(UTC) - dt.timedelta(days=2),
    )
    rollup_calls()
    client.force_login(volunteer)
    body = client.get(reverse("campaigns:detail", args=[campaign.slug])).content.decode()
    assert 'class="rally-today-count">1</strong> call so far today' in body
    assert f'hx-get="{reverse("rally:calls_today", args=[call_day.pk])}"' in body

    CallLogFactory(campaign=campaign, chapter=chapter, office=offices["attorney_general"], user=volunteer)
    fragment = client.get(reverse("rally:calls_today", args=[call_day.pk])).content.decode()
    assert 'class="rally-today-count">2</strong> calls so far today' in fragment


def test_no_count_on_an_ordinary_day_and_not_for_outsiders(client, chapter, campaign, volunteer, other_user):
    CallDay.objects.create(chapter=chapter, campaign=campaign, day=dt.date(2030, 1, 1))
    client.force_login(volunteer)
    assert "so far today" not in client.get(reverse("campaigns:detail", args=[campaign.slug])).content.decode()
    call_day = CallDay.objects.get()
    client.force_login(other_user)
    assert client.get(reverse("rally:calls_today", args=[call_day.pk])).status_code == HTTPStatus.NOT_FOUND


@pytest.fixture
def other_user(db):
    from tests.factories.accounts import UserFactory

    return UserFactory(email="outsider@example.org")
