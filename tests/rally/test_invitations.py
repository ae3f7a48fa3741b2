import datetime as dt
import re
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership
from rally.models import Invitation
from rally.services import invitations_create
from tests.factories.accounts import UserFactory


def invite(client, chapter, addresses, *, capture):
    with capture(execute=True):
        return client.post(reverse("rally:invitations", args=[chapter.slug]), {"addresses": addresses})


def link_in(mail) -> str:
    url = re.search(r"https?://\S+/invitations/\S+/", mail.text).group(0)
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def test_a_lead_invites_a_list_members_are_skipped_and_said_so(
    client, chapter, chapter_lead, volunteer, smtp_server, django_capture_on_commit_callbacks
):
    client.force_login(chapter_lead)
    response = invite(
        client,
        chapter,
        f"new1@example.org, New2@Example.org\n{volunteer.email.upper()}\nnot-an-address\nnew1@example.org",
        capture=django_capture_on_commit_callbacks,
    )
    assert response.status_code == HTTPStatus.OK
    body = response.content.decode()
    assert "Invited 2." in body
    assert f"Skipped, already members: {volunteer.email}" in body
    assert "Not email addresses: not-an-address" in body
    assert smtp_server.recipients() == ["new1@example.org", "new2@example.org"]
    assert "2 pending · 0 joined · 0 bounced" in body


def test_an_address_is_never_invited_twice_within_30_days(
    client, chapter, chapter_lead, smtp_server, django_capture_on_commit_callbacks
):
    client.force_login(chapter_lead)
    invite(client, chapter, "again@example.org", capture=django_capture_on_commit_callbacks)
    body = invite(client, chapter, "again@example.org", capture=django_capture_on_commit_callbacks).content.decode()
    assert "Skipped, invited in the last 30 days: again@example.org" in body
    assert smtp_server.recipients() == ["again@example.org"]
    Invitation.objects.update(created_at=timezone.now() - dt.timedelta(days=31))
    result = invitations_create(chapter=chapter, addresses="again@example.org")
    assert result["invited"] == ["again@example.org"]


def test_more_than_500_addresses_are_refused_with_a_message(client, chapter, chapter_lead):
    client.force_login(chapter_lead)
    addresses = "\n".join(f"a{i}@example.org" for i in range(501))
    response = client.post(reverse("rally:invitations", args=[chapter.slug]), {"addresses": addresses})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "At most 500 addresses" in response.content.decode()
    assert Invitation.objects.count() == 0


def test_the_link_works_once(client, chapter, chapter_lead, smtp_server, django_capture_on_commit_callbacks):
    client.force_login(chapter_lead)
    invite(client, chapter, "joiner@example.org", capture=django_capture_on_commit_callbacks)
    link = link_in(smtp_server.to("joiner@example.org")[0])

    client.logout()
    assert client.get(link).status_code == HTTPStatus.FOUND  # log in first
    joiner = UserFactory(email="joiner@example.org")
    client.force_login(joiner)
    assert client.get(link).status_code == HTTPStatus.OK
    assert client.post(link).status_code == HTTPStatus.FOUND
    assert Membership.objects.filter(user=joiner, chapter=chapter).exists()
    assert Invitation.objects.get().status == Invitation.Status.JOINED

    someone_else = UserFactory(email="someone@example.org")
    client.force_login(someone_else)
    used = client.post(link)
    assert used.status_code == HTTPStatus.GONE
    assert "used already" in used.content.decode()
    assert not Membership.objects.filter(user=someone_else, chapter=chapter).exists()

    client.force_login(chapter_lead)
    body = client.get(reverse("rally:invitations", args=[chapter.slug])).content.decode()
    assert "0 pending · 1 joined · 0 bounced" in body


def test_the_link_expires(client, chapter, chapter_lead, smtp_server, django_capture_on_commit_callbacks):
    client.force_login(chapter_lead)
    invite(client, chapter, "late@example.org", capture=django_capture_on_commit_callbacks)
    link = link_in(smtp_server.to("late@example.org")[0])
    Invitation.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    late = UserFactory(email="late@example.org")
    client.force_login(late)
    response = client.post(link)
    assert response.status_code == HTTPStatus.GONE
    assert "expired" in response.content.decode()
    assert not Membership.objects.filter(user=late, chapter=chapter).exists()
    assert client.get("/invitations/tampered-token/").status_code == HTTPStatus.GONE


def test_a_refused_address_is_marked_bounced(
    client, chapter, chapter_lead, smtp_server, django_capture_on_commit_callbacks
):
    smtp_server.refused["nobody@example.org"] = "550 5.1.1 No such user"
    client.force_login(chapter_lead)
    body = invite(
        client, chapter, "nobody@example.org\nsomebody@example.org", capture=django_capture_on_commit_callbacks
    ).content.decode()
    assert Invitation.objects.get(email="nobody@example.org").status == Invitation.Status.BOUNCED
    assert Invitation.objects.get(email="somebody@example.org").sent_at is not None
    body = client.get(reverse("rally:invitations", args=[chapter.slug])).content.decode()
    assert "1 pending · 0 joined · 1 bounced" in body


@pytest.mark.parametrize("who", ["member", "anonymous"])
def test_only_leads_invite(client, chapter, volunteer, who):
    if who == "member":
        client.force_login(volunteer)
    response = client.get(reverse("rally:invitations", args=[chapter.slug]))
    assert response.status_code == (HTTPStatus.NOT_FOUND if who == "member" else HTTPStatus.FOUND)


def test_the_invitation_is_in_both_languages_the_leads_first(
    client, chapter, chapter_lead, smtp_server, django_capture_on_commit_callbacks
):
    chapter_lead.language = "es"
    chapter_lead.save(update_fields=["language"])
    client.force_login(chapter_lead)
    invite(client, chapter, "nuevo@example.org", capture=django_capture_on_commit_callbacks)
    mail = smtp_server.to("nuevo@example.org")[0]
    assert mail.subject.endswith(f"Te invitan a unirte a {chapter.name} / You're invited to join {chapter.name}")
    spanish, english = mail.text.split("— — —")
    assert "Hola:" in spanish
    assert "invites you to join" in english
    # One invitation link, the same in both (beside it, the link to never be invited again).
    links = set(re.findall(r"https?://\S+/invitations/\S+/", mail.text))
    assert len([link for link in links if "/invitations/stop/" not in link]) == 1


def test_someone_with_an_account_is_invited_in_their_own_language(
    client, chapter, chapter_lead, smtp_server, django_capture_on_commit_callbacks
):
    UserFactory(email="lucia@example.org", language="es")
    client.force_login(chapter_lead)
    invite(client, chapter, "lucia@example.org", capture=django_capture_on_commit_callbacks)
    mail = smtp_server.to("lucia@example.org")[0]
    assert "— — —" not in mail.text
    assert mail.subject.endswith(f"Te invitan a unirte a {chapter.name}")
