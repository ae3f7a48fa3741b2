import datetime as dt
import re
from http import HTTPStatus

import pytest
from django.urls import reverse

from accounts.models import User
from rally.models import CallNowMessage
from rally.services import RallyError, call_now_create
from reminders.models import ReminderDelivery, ReminderKind
from tests.factories.tallies import CallLogFactory


@pytest.fixture
def members(make_member, campaign, chapter, offices):
    """Three members to message, one who has called already, one who turned the messages off."""
    waiting = [make_member(f"m{i}@example.org") for i in range(3)]
    called = make_member("called@example.org")
    CallLogFactory(campaign=campaign, chapter=chapter, office=offices["attorney_general"], user=called)
    make_member("optout@example.org", call_now_emails=False)
    make_member("unverified@example.org", verified=False)
    return waiting


def rally_url(chapter, campaign, name="rally:rally"):
    return reverse(name, args=[chapter.slug, campaign.slug])


def test_the_preview_counts_the_members_who_have_not_called_yet(client, chapter, campaign, chapter_lead, members):
    client.force_login(chapter_lead)
    response = client.post(rally_url(chapter, campaign, "rally:call_now"), {"message": "Call the AG today!"})
    assert response.status_code == HTTPStatus.OK
    body = response.content.decode()
    # The three waiting members; not the lead, who has not called either but did not tick "Include me".
    assert '<strong id="recipient-count">3</strong>' in body
    assert "Not you: tick “Include me” to get it too." in body
    assert "Call the AG today!" in body
    assert CallNowMessage.objects.count() == 0  # a preview sends nothing


def test_sending_emails_each_member_once_with_a_one_click_unsubscribe(
    client, chapter, campaign, chapter_lead, members, smtp_server, django_capture_on_commit_callbacks
):
    client.force_login(chapter_lead)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            rally_url(chapter, campaign, "rally:call_now"), {"message": "Call the AG today!", "confirm": "send"}
        )
    assert response.status_code == HTTPStatus.FOUND
    message = CallNowMessage.objects.get()
    assert (message.status, message.recipients) == ("done", 3)
    assert smtp_server.recipients() == sorted(m.email for m in members)
    mail = smtp_server.to(members[0].email)[0]
    assert "Call the AG today!" in mail.text
    assert mail.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = re.search(r"<(.+)>", mail.message["List-Unsubscribe"]).group(1)
    path = unsubscribe.split("://", 1)[1].split("/", 1)[1]

    # One click from the mail client: a POST with no session, no CSRF token.
    client.logout()
    assert client.post("/" + path).status_code == HTTPStatus.OK
    assert User.objects.get(pk=members[0].pk).call_now_emails is False
    assert client.get("/rally/call-now/unsubscribe/forged/").status_code == HTTPStatus.BAD_REQUEST

    # The result stays on the campaign page for leads.
    client.force_login(chapter_lead)
    body = client.get(reverse("campaigns:detail", args=[campaign.slug])).content.decode()
    assert '<span data-figure="sent">3</span> sent' in body
    assert '<span data-figure="left">0</span> left' in body
    client.force_login(members[1])
    assert "data-figure" not in client.get(reverse("campaigns:detail", args=[campaign.slug])).content.decode()


def test_at_most_one_message_per_campaign_per_chapter_per_day(
    client, chapter, campaign, chapter_lead, members, django_capture_on_commit_callbacks
):
    now = dt.datetime(2026, 12, 3, 15, 0, tzinfo=dt.UTC)
    call_now_create(chapter=chapter, campaign=campaign, message="First", now=now)
    with pytest.raises(RallyError):
        call_now_create(chapter=chapter, campaign=campaign, message="Second", now=now + dt.timedelta(hours=5))
    # 05:00 UTC on 4 Dec is still 3 Dec in St. Louis; 06:00 UTC is the 4th.
    with pytest.raises(RallyError):
        call_now_create(
            chapter=chapter, campaign=campaign, message="Late", now=dt.datetime(2026, 12, 4, 5, 0, tzinfo=dt.UTC)
        )
    call_now_create(
        chapter=chapter, campaign=campaign, message="Next day", now=dt.datetime(2026, 12, 4, 6, 0, tzinfo=dt.UTC)
    )
    assert CallNowMessage.objects.count() == 2

    # Through the page: a clear 409, and the form says why.
    CallNowMessage.objects.all().delete()
    client.force_login(chapter_lead)
    url = rally_url(chapter, campaign, "rally:call_now")
    with django_capture_on_commit_callbacks(execute=False):
        assert client.post(url, {"message": "One", "confirm": "send"}).status_code == HTTPStatus.FOUND
        again = client.post(url, {"message": "Two", "confirm": "send"})
    assert again.status_code == HTTPStatus.CONFLICT
    assert "went out for this campaign today" in again.content.decode()
    assert client.post(url, {"message": "", "confirm": "send"}).status_code == HTTPStatus.BAD_REQUEST


def test_only_the_chapters_leads_can_send(client, chapter, campaign, volunteer):
    client.force_login(volunteer)
    assert client.post(rally_url(chapter, campaign, "rally:call_now"), {"message": "x"}).status_code == 404
    assert client.get(rally_url(chapter, campaign)).status_code == 404


def test_the_progress_view_shows_sent_failed_and_left_and_stops_polling_when_done(
    client, chapter, campaign, chapter_lead, members, volunteer
):
    message = CallNowMessage.objects.create(
        chapter=chapter, campaign=campaign, day=dt.date(2026, 12, 3), message="Go", recipients=3, status="sending"
    )
    ReminderDelivery.objects.create(
        user=members[0], kind=ReminderKind.CALL_NOW, key=message.ledger_key, email="a@x.org", status="sent"
    )
    ReminderDelivery.objects.create(
        user=members[1], kind=ReminderKind.CALL_NOW, key=message.ledger_key, email="b@x.org", status="failed"
    )
    ReminderDelivery.objects.create(
        user=members[2], kind=ReminderKind.CALL_NOW, key="call_now:999", email="c@x.org", status="sent"
    )
    url = reverse("rally:call_now_progress", args=[message.pk])
    client.force_login(chapter_lead)
    body = client.get(url).content.decode()
    assert '<span data-figure="sent">1</span> sent' in body
    assert '<span data-figure="failed">1</span> failed' in body
    assert '<span data-figure="left">1</span> left' in body
    assert 'hx-trigger="every 1s"' in body

    CallNowMessage.objects.filter(pk=message.pk).update(status="done")
    body = client.get(url).content.decode()
    # Sent: no more polling every second; for a day, every 15 s for the calls that follow.
    assert 'hx-trigger="every 1s"' not in body
    assert 'hx-trigger="every 15s"' in body
    assert body.strip().startswith('<span class="rally-progress"')
    CallNowMessage.objects.filter(pk=message.pk).update(created_at=message.created_at - dt.timedelta(days=2))
    assert "hx-trigger" not in client.get(url).content.decode()

    client.force_login(volunteer)
    assert client.get(url).status_code == HTTPStatus.NOT_FOUND


def test_a_volunteer_turns_call_now_messages_off_on_the_profile(client, volunteer):
    client.force_login(volunteer)
    form = client.get(reverse("profile")).context["form"]
    data = {**form.initial, "call_now_emails": ""}
    data = {k: v for k, v in data.items() if k != "call_now_emails"}
    assert client.post(reverse("profile"), data).status_code == HTTPStatus.FOUND
    volunteer.refresh_from_db()
    assert volunteer.call_now_emails is False


def test_a_member_who_calls_after_the_preview_is_not_emailed_and_nothing_is_left_over(
    chapter, campaign, chapter_lead, members, offices, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message = call_now_create(chapter=chapter, campaign=campaign, message="Now!")
    assert message.recipients == 4
    CallLogFactory(campaign=campaign, chapter=chapter, office=offices["attorney_general"], user=members[0])
    for callback in callbacks:
        callback()
    message.refresh_from_db()
    assert members[0].email not in smtp_server.recipients()
    from rally.selectors import call_now_progress

    progress = call_now_progress(message=message)
    assert (progress.recipients, progress.sent, progress.failed, progress.left) == (3, 3, 0, 0)


# ------------------------------------------------------------------------------
# Issue 27: never to nobody, quiet hours, the lead only when asked, calls since
# ------------------------------------------------------------------------------
@pytest.fixture
def everyone_called(make_member, campaign, chapter, offices, chapter_lead):
    member = make_member("done@example.org")
    for user in (member, chapter_lead):
        CallLogFactory(campaign=campaign, chapter=chapter, office=offices["attorney_general"], user=user)
    return member


def test_a_preview_for_nobody_offers_no_send_button(client, chapter, campaign, chapter_lead, everyone_called):
    client.force_login(chapter_lead)
    body = client.post(rally_url(chapter, campaign, "rally:call_now"), {"message": "Call!"}).content.decode()
    assert 'name="confirm"' not in body
    assert "Nobody would get it" in body
    assert "Send to 0" not in body


def test_sending_to_nobody_is_refused_and_uses_up_nothing(
    client, chapter, campaign, chapter_lead, everyone_called, make_member, django_capture_on_commit_callbacks
):
    client.force_login(chapter_lead)
    url = rally_url(chapter, campaign, "rally:call_now")
    response = client.post(url, {"message": "Call!", "confirm": "send"})
    assert response.status_code == HTTPStatus.CONFLICT
    assert "Nobody would get this message" in response.content.decode()
    assert CallNowMessage.objects.count() == 0

    # The day's message is still available once someone can get it.
    newcomer = make_member("new@example.org")
    with django_capture_on_commit_callbacks(execute=False):
        assert client.post(url, {"message": "Call!", "confirm": "send"}).status_code == HTTPStatus.FOUND
    assert CallNowMessage.objects.get().recipients == 1
    assert newcomer.pk


def test_the_lead_is_a_recipient_only_with_include_me(
    client, chapter, campaign, chapter_lead, members, smtp_server, django_capture_on_commit_callbacks
):
    client.force_login(chapter_lead)
    url = rally_url(chapter, campaign, "rally:call_now")
    preview = client.post(url, {"message": "Call!", "include_me": "on"}).content.decode()
    assert '<strong id="recipient-count">4</strong>' in preview
    assert '<input type="hidden" name="include_me" value="on">' in preview
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"message": "Call!", "include_me": "on", "confirm": "send"})
    message = CallNowMessage.objects.get()
    assert (message.recipients, message.include_sender) == (4, True)
    assert chapter_lead.email in smtp_server.recipients()


@pytest.mark.parametrize(
    ("utc", "warned"),
    [
        (dt.datetime(2026, 12, 3, 2, 47, tzinfo=dt.UTC), True),  # 20:47 in St. Louis
        (dt.datetime(2026, 12, 3, 13, 59, tzinfo=dt.UTC), True),  # 07:59
        (dt.datetime(2026, 12, 3, 14, 0, tzinfo=dt.UTC), False),  # 08:00
        (dt.datetime(2026, 12, 4, 1, 59, tzinfo=dt.UTC), False),  # 19:59
    ],
)
def test_the_preview_warns_outside_eight_to_eight_chapter_time(
    client, chapter, campaign, chapter_lead, members, utc, warned
):
    from unittest import mock

    client.force_login(chapter_lead)
    with mock.patch("django.utils.timezone.now", return_value=utc):
        body = client.post(rally_url(chapter, campaign, "rally:call_now"), {"message": "Call!"}).content.decode()
    assert ('id="call-now-hours"' in body) is warned
    if warned:
        local = utc.astimezone(chapter.zone).strftime("%H:%M")
        from accounts.time_zones import zone_display_name

        assert f"It is {local} in {zone_display_name('America/Chicago')}" in body


def test_progress_counts_the_calls_recipients_made_since_the_message(
    client, chapter, campaign, chapter_lead, members, offices, smtp_server, django_capture_on_commit_callbacks
):
    from tallies.services import call_log_undo

    before = CallLogFactory(campaign=campaign, chapter=chapter, office=offices["doj"], user=chapter_lead)
    with django_capture_on_commit_callbacks(execute=True):
        message = call_now_create(chapter=chapter, campaign=campaign, message="Now!", user=chapter_lead)
    CallLogFactory(campaign=campaign, chapter=chapter, office=offices["attorney_general"], user=members[0])
    CallLogFactory(campaign=campaign, chapter=chapter, office=offices["doj"], user=members[0])
    CallLogFactory(campaign=campaign, chapter=chapter, office=offices["doj"], user=members[1])
    undone = CallLogFactory(campaign=campaign, chapter=chapter, office=offices["doj"], user=members[2])
    call_log_undo(user=members[2], call_id=undone.pk)
    CallLogFactory(campaign=campaign, chapter=chapter, office=offices["doj"], user=chapter_lead)  # not a recipient
    assert before.pk

    client.force_login(chapter_lead)
    body = client.get(reverse("rally:call_now_progress", args=[message.pk])).content.decode()
    assert '<span data-figure="sent">3</span> sent' in body
    assert '<span data-figure="calls">3</span> calls since by <span data-figure="callers">2</span> of them' in body


def test_a_call_now_whose_task_was_lost_is_sent_by_the_sweep_once(
    chapter, campaign, chapter_lead, members, smtp_server, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    from rally.services import call_now_resume_stalled

    # The task is lost: a worker killed before it acknowledged it (the on-commit callback never runs).
    with django_capture_on_commit_callbacks(execute=False):
        message = call_now_create(chapter=chapter, campaign=campaign, message="Call today!", user=chapter_lead)
    now = timezone.now()

    assert call_now_resume_stalled(now=now) == []  # too young to be stalled
    assert smtp_server.recipients() == []

    assert call_now_resume_stalled(now=now + dt.timedelta(seconds=90)) == [message.pk]
    message.refresh_from_db()
    assert (message.status, message.recipients) == ("done", 3)
    assert smtp_server.recipients() == sorted(m.email for m in members)

    # Done: later sweeps queue nothing, and nobody gets it twice.
    assert call_now_resume_stalled(now=now + dt.timedelta(seconds=180)) == []
    assert len(smtp_server.recipients()) == 3


def test_the_sweep_leaves_a_message_alone_while_its_run_makes_progress(chapter, campaign, chapter_lead, members):
    from django.utils import timezone

    from rally.services import call_now_resume_stalled

    message = CallNowMessage.objects.create(
        chapter=chapter,
        campaign=campaign,
        day=timezone.localdate(),
        message="Call today!",
        recipients=3,
        status=CallNowMessage.Status.SENDING,
        created_at=timezone.now() - dt.timedelta(minutes=5),
    )
    ReminderDelivery.objects.create(
        kind=ReminderKind.CALL_NOW,
        key=message.ledger_key,
        campaign=campaign,
        user=members[0],
        status=ReminderDelivery.Status.SENDING,
        claimed_at=timezone.now() - dt.timedelta(seconds=10),
    )

    assert call_now_resume_stalled() == []
    assert call_now_resume_stalled(now=timezone.now() + dt.timedelta(minutes=2)) == [message.pk]
    # A message of yesterday's call is not sent any more.
    CallNowMessage.objects.filter(pk=message.pk).update(created_at=timezone.now() - dt.timedelta(days=1))
    assert call_now_resume_stalled() == []
