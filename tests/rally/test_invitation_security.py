"""An invitation is accepted only by the mailbox it was sent to; a new join link or a revocation voids it."""

import re
from http import HTTPStatus

from allauth.account.models import EmailAddress
from django.urls import reverse

from accounts.models import Membership
from rally.models import Invitation
from rally.services import invitations_create
from rally.tokens import invitation_token_make
from tests.factories.accounts import UserFactory


def link_for(invitation) -> str:
    return reverse("rally:invitation_accept", args=[invitation_token_make(invitation_id=invitation.pk)])


def invite(chapter, lead, address):
    invitations_create(chapter=chapter, addresses=address, user=lead)
    return Invitation.objects.get(email=address.lower())


def test_another_signed_in_account_cannot_accept_it(client, chapter, chapter_lead):
    invitation = invite(chapter, chapter_lead, "invitee@example.org")
    intruder = UserFactory(email="intruder@example.org")
    client.force_login(intruder)

    page = client.get(link_for(invitation))
    assert page.status_code == HTTPStatus.FORBIDDEN
    body = page.content.decode()
    assert "i•••@example.org" in body
    assert "invitee@example.org" not in body
    assert client.post(link_for(invitation)).status_code == HTTPStatus.FORBIDDEN
    assert not Membership.objects.filter(user=intruder, chapter=chapter).exists()
    assert Invitation.objects.get().status == Invitation.Status.PENDING


def test_an_unconfirmed_copy_of_the_address_is_not_enough_until_confirmed(client, chapter, chapter_lead):
    invitation = invite(chapter, chapter_lead, "Invitee+rally@example.org")
    user = UserFactory(email="someone@example.org")
    address = EmailAddress.objects.create(user=user, email="invitee@example.org", verified=False)
    client.force_login(user)
    assert client.post(link_for(invitation)).status_code == HTTPStatus.FORBIDDEN
    address.verified = True
    address.save()
    # The same mailbox: case and +tag do not matter.
    assert client.post(link_for(invitation)).status_code == HTTPStatus.FOUND
    assert Membership.objects.filter(user=user, chapter=chapter).exists()


def test_the_invited_account_accepts_it(client, chapter, chapter_lead):
    invitation = invite(chapter, chapter_lead, "invitee@example.org")
    invitee = UserFactory(email="INVITEE@example.org")
    client.force_login(invitee)
    assert client.get(link_for(invitation)).status_code == HTTPStatus.OK
    assert client.post(link_for(invitation)).status_code == HTTPStatus.FOUND
    assert Invitation.objects.get().status == Invitation.Status.JOINED


def test_a_new_join_link_voids_outstanding_invitations(client, chapter, chapter_lead):
    invitation = invite(chapter, chapter_lead, "invitee@example.org")
    client.force_login(chapter_lead)
    assert client.post(reverse("chapter_join_link_rotate", args=[chapter.slug])).status_code == HTTPStatus.FOUND
    assert Invitation.objects.get().status == Invitation.Status.REVOKED

    invitee = UserFactory(email="invitee@example.org")
    client.force_login(invitee)
    response = client.post(link_for(invitation))
    assert response.status_code == HTTPStatus.GONE
    assert "withdrawn" in response.content.decode()
    assert not Membership.objects.filter(user=invitee, chapter=chapter).exists()


def test_an_invitation_sent_under_an_older_join_link_is_void_even_if_still_marked_pending(
    client, chapter, chapter_lead
):
    invitation = invite(chapter, chapter_lead, "invitee@example.org")
    # As if the rotation had not reached the invitations (an older row, a direct update).
    type(chapter).objects.filter(pk=chapter.pk).update(join_link_version=chapter.join_link_version + 1)
    client.force_login(UserFactory(email="invitee@example.org"))
    assert client.post(link_for(invitation)).status_code == HTTPStatus.GONE


def test_a_lead_withdraws_an_invitation_from_the_page(client, chapter, chapter_lead):
    invitation = invite(chapter, chapter_lead, "invitee@example.org")
    client.force_login(chapter_lead)
    page = client.get(reverse("rally:invitations", args=[chapter.slug])).content.decode()
    revoke_url = reverse("rally:invitation_revoke", args=[chapter.slug, invitation.pk])
    assert f'action="{revoke_url}"' in page
    followed = client.post(revoke_url, follow=True).content.decode()
    assert "The invitation to invitee@example.org is withdrawn." in followed
    assert re.search(r"1 withdrawn", followed)
    client.force_login(UserFactory(email="invitee@example.org"))
    assert client.post(link_for(invitation)).status_code == HTTPStatus.GONE


def test_a_member_cannot_withdraw_and_another_chapters_invitation_is_a_404(client, chapter, chapter_lead, volunteer):
    invitation = invite(chapter, chapter_lead, "invitee@example.org")
    client.force_login(volunteer)
    assert (
        client.post(reverse("rally:invitation_revoke", args=[chapter.slug, invitation.pk])).status_code
        == HTTPStatus.NOT_FOUND
    )
    assert Invitation.objects.get().status == Invitation.Status.PENDING


def test_the_refusal_is_in_spanish_for_a_spanish_reader(client, chapter, chapter_lead):
    invitation = invite(chapter, chapter_lead, "invitee@example.org")
    client.force_login(UserFactory(email="intruder@example.org", language="es"))
    body = client.get(link_for(invitation)).content.decode()
    assert "Esta invitación a St. Louis Callers es para otra dirección" in body
    assert "no es una dirección confirmada de tu cuenta" in body


def test_the_stop_page_is_in_spanish(client, chapter, chapter_lead):
    from rally.tokens import invitation_stop_token_make

    client.cookies["language"] = "es"
    page = client.get(reverse("rally:invitation_stop", args=[invitation_stop_token_make(email="x@example.org")]))
    assert "¿No invitar nunca más a x@example.org a un capítulo?" in page.content.decode()
