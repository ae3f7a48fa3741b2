"""Invitations cannot be used to spam: 24-hour limits per chapter and per lead, a staff alert, and
mailboxes that bounced or said stop are never invited again."""

import datetime as dt
import re
import threading
from http import HTTPStatus

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import formats, timezone

from accounts.models import Membership
from rally.models import DoNotInvite, Invitation, InvitationLimitAlert
from rally.services import InvitationLimitReached, invitations_create
from tests.factories.accounts import ChapterFactory, MembershipFactory, UserFactory


def addresses(n, prefix="p"):
    return "\n".join(f"{prefix}{i}@example.org" for i in range(n))


def page(client, chapter, text):
    return client.post(reverse("rally:invitations", args=[chapter.slug]), {"addresses": text})


@pytest.fixture
def small_limits(settings):
    settings.INVITATIONS_PER_CHAPTER_PER_DAY = 10
    settings.INVITATIONS_PER_LEAD_PER_DAY = 6


def test_the_chapter_limit_refuses_a_paste_that_does_not_fit_and_says_how_many_are_left_and_when(
    client, chapter, chapter_lead, small_limits
):
    other_lead = UserFactory(email="lead2@example.org")
    MembershipFactory(user=other_lead, chapter=chapter, role=Membership.Role.LEAD)
    start = timezone.now() - dt.timedelta(hours=20)
    invitations_create(chapter=chapter, addresses=addresses(6, "a"), user=other_lead, now=start)
    invitations_create(chapter=chapter, addresses=addresses(2, "b"), user=chapter_lead)
    client.force_login(chapter_lead)

    refused = page(client, chapter, addresses(3, "c"))

    assert refused.status_code == HTTPStatus.TOO_MANY_REQUESTS
    body = refused.content.decode()
    assert (
        "This chapter may send 10 invitations in any 24 hours and has 2 left now; you pasted 3 new addresses." in body
    )
    # The 6 sent 20 hours ago leave the window 4 hours from now.
    when = timezone.localtime(start + dt.timedelta(hours=24), chapter.zone)
    assert f"all of them from {formats.date_format(when, 'DATETIME_FORMAT')} (America/Chicago)." in body
    assert Invitation.objects.count() == 8
    assert page(client, chapter, addresses(2, "c")).status_code == HTTPStatus.OK
    assert Invitation.objects.count() == 10
    assert (
        "You can send 0 more invitations now"
        in client.get(reverse("rally:invitations", args=[chapter.slug])).content.decode()
    )


def test_the_lead_limit_counts_across_chapters(chapter, chapter_lead, small_limits):
    second = ChapterFactory(name="Kansas City", slug="kansas-city")
    MembershipFactory(user=chapter_lead, chapter=second, role=Membership.Role.LEAD)
    invitations_create(chapter=chapter, addresses=addresses(4, "a"), user=chapter_lead)
    with pytest.raises(InvitationLimitReached) as refused:
        invitations_create(chapter=second, addresses=addresses(3, "b"), user=chapter_lead)
    assert "You may send 6 invitations in any 24 hours and have 2 left now" in refused.value.message
    assert refused.value.quota.scope == "lead"
    assert 0 < refused.value.retry_after <= 24 * 3600
    assert Invitation.objects.filter(chapter=second).count() == 0


def test_invitations_older_than_24_hours_no_longer_count(chapter, chapter_lead, small_limits):
    invitations_create(
        chapter=chapter, addresses=addresses(6, "a"), user=chapter_lead, now=timezone.now() - dt.timedelta(hours=25)
    )
    assert len(invitations_create(chapter=chapter, addresses=addresses(6, "b"), user=chapter_lead)["invited"]) == 6


def test_skipped_addresses_do_not_use_the_allowance(chapter, chapter_lead, volunteer, small_limits):
    result = invitations_create(chapter=chapter, addresses=f"{volunteer.email}\n{addresses(6)}", user=chapter_lead)
    assert result["members"] == [volunteer.email]
    assert result["limits"]["lead"].remaining == 0


def test_staff_raise_a_chapters_limit_in_the_admin(staff_client, chapter, chapter_lead, small_limits):
    response = staff_client.get(reverse("admin:accounts_chapter_change", args=[chapter.pk]))
    assert 'name="invitation_daily_limit"' in response.content.decode()
    chapter.invitation_daily_limit = 3
    chapter.save()
    with pytest.raises(InvitationLimitReached):
        invitations_create(chapter=chapter, addresses=addresses(4), user=chapter_lead)
    chapter.invitation_daily_limit = 2000
    chapter.save()
    chapter.refresh_from_db()
    assert chapter.invitations_per_day == 2000


def test_more_than_the_whole_limit_is_refused_without_a_time(chapter, chapter_lead, small_limits):
    chapter.invitation_daily_limit = 2
    chapter.save()
    with pytest.raises(InvitationLimitReached) as refused:
        invitations_create(chapter=chapter, addresses=addresses(3), user=chapter_lead)
    assert refused.value.retry_after is None
    assert "Paste at most 2." in refused.value.message


def test_staff_are_emailed_once_when_a_chapter_reaches_its_limit(
    chapter, chapter_lead, staff_user, small_limits, django_capture_on_commit_callbacks
):
    UserFactory(email="staff2@example.org", is_staff=True)
    chapter.invitation_daily_limit = 4
    chapter.save()
    with django_capture_on_commit_callbacks(execute=True):
        invitations_create(chapter=chapter, addresses=addresses(4, "a"), user=chapter_lead)
    alerts = [m for m in mail.outbox if "reached its invitation limit" in m.subject]
    assert len(alerts) == 1
    assert sorted(alerts[0].to) == ["staff2@example.org", "staff@example.org"]
    assert f"/admin/accounts/chapter/{chapter.pk}/change/" in alerts[0].body
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True), pytest.raises(InvitationLimitReached):
            invitations_create(chapter=chapter, addresses=addresses(1, "b"), user=chapter_lead)
    assert len([m for m in mail.outbox if "reached its invitation limit" in m.subject]) == 1
    assert InvitationLimitAlert.objects.count() == 1


def test_a_refused_paste_alerts_staff_too(chapter, chapter_lead, staff_user, django_capture_on_commit_callbacks):
    chapter.invitation_daily_limit = 1
    chapter.save()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(InvitationLimitReached):
        invitations_create(chapter=chapter, addresses=addresses(1, "a") + "\nx@example.org", user=chapter_lead)
    assert [m.subject for m in mail.outbox if "invitation limit" in m.subject]


def test_a_bounced_mailbox_is_never_invited_again_under_any_spelling(
    client, chapter, chapter_lead, smtp_server, django_capture_on_commit_callbacks
):
    smtp_server.refused["gone@example.org"] = "550 5.1.1 No such user"
    client.force_login(chapter_lead)
    with django_capture_on_commit_callbacks(execute=True):
        page(client, chapter, "gone@example.org")
    assert DoNotInvite.objects.get().reason == "bounced"
    Invitation.objects.update(created_at=timezone.now() - dt.timedelta(days=400))
    second = ChapterFactory(name="Kansas City", slug="kansas-city")
    for target in (chapter, second):
        result = invitations_create(chapter=target, addresses="Gone@Example.org\nGONE+again@example.org")
        assert result["invited"] == []
        assert result["suppressed"] == ["gone@example.org"]
    body = page(client, chapter, "gone+x@example.org").content.decode()
    assert "Skipped, bounced before or asked not to be invited: gone+x@example.org" in body


def test_the_stop_link_in_an_invitation_means_never_again(
    client, chapter, chapter_lead, smtp_server, django_capture_on_commit_callbacks
):
    client.force_login(chapter_lead)
    with django_capture_on_commit_callbacks(execute=True):
        page(client, chapter, "notme@example.org\nother@example.org")
    message = smtp_server.to("notme@example.org")[0]
    stop = re.search(r"https?://\S+/invitations/stop/\S+/", message.text).group(0)
    path = "/" + stop.split("://", 1)[1].split("/", 1)[1]
    assert message.message["List-Unsubscribe"].strip() == f"<{stop}>"
    client.logout()
    assert "Never invite notme@example.org" in client.get(path).content.decode()
    # One click from the mail client: a POST with no session and no CSRF token.
    assert client.post(path).status_code == HTTPStatus.OK
    assert DoNotInvite.objects.get().reason == "unsubscribed"
    assert client.get("/invitations/stop/forged/").status_code == HTTPStatus.BAD_REQUEST
    Invitation.objects.update(created_at=timezone.now() - dt.timedelta(days=400))
    result = invitations_create(chapter=chapter, addresses="notme@example.org\nother@example.org")
    assert result["suppressed"] == ["notme@example.org"]
    assert result["invited"] == ["other@example.org"]


def test_staff_see_the_do_not_invite_list_in_the_admin(staff_client):
    DoNotInvite.objects.create(email_key="gone@example.org", reason="bounced", detail="550 No such user")
    page = staff_client.get(reverse("admin:rally_donotinvite_changelist")).content.decode()
    assert "gone@example.org" in page


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_leads_pasting_at_once_cannot_both_fit_the_last_room(settings):
    """Each paste fits what is left; both together do not. The chapter's row lock lets exactly one through."""
    settings.INVITATIONS_PER_CHAPTER_PER_DAY = 10
    chapter = ChapterFactory(name="Racers", slug="racers")
    leads = [UserFactory(email=f"racer{i}@example.org") for i in range(2)]
    for lead in leads:
        MembershipFactory(user=lead, chapter=chapter, role=Membership.Role.LEAD)
    barrier = threading.Barrier(2)
    outcomes = []

    def paste(lead, prefix):
        try:
            barrier.wait()
            invitations_create(chapter=chapter, addresses=addresses(6, prefix), user=lead)
            outcomes.append("invited")
        except InvitationLimitReached:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=paste, args=(lead, f"r{i}-")) for i, lead in enumerate(leads)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["invited", "refused"]
    assert Invitation.objects.filter(chapter=chapter).count() == 6
