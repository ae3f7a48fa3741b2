"""Invitations in real headless Chromium: the lead sees what is left and is refused over a limit;
the wrong account cannot use a link; a withdrawn link stops working."""

import pytest

from accounts.models import Membership
from rally.models import Invitation
from rally.services import invitations_create
from rally.tokens import invitation_token_make
from tests.factories.accounts import ChapterFactory, MembershipFactory, UserFactory

from .conftest import PHONE, new_context


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_lead_sees_the_limits_is_refused_over_them_and_withdraws_an_invitation(browser, live_server, settings):
    settings.INVITATIONS_PER_LEAD_PER_DAY = 3
    chapter = ChapterFactory(name="St. Louis Callers", slug="st-louis-callers", state="MO")
    lead = UserFactory(email="lee@example.org", name="Lee Lead")
    MembershipFactory(user=lead, chapter=chapter, role=Membership.Role.LEAD)
    context = new_context(browser, live_server, user=lead, **PHONE)
    page = context.new_page()

    page.goto(f"{live_server.url}/chapters/{chapter.slug}/invitations/")
    assert "You can send 3 more invitations now" in page.locator("#invitation-limits").inner_text()
    page.get_by_label("Email addresses").fill("a@example.org\nb@example.org")
    page.get_by_role("button", name="Send invitations").click()
    page.wait_for_load_state()
    assert "Invited 2." in page.locator("#invitation-result").inner_text()
    assert "You can send 1 more invitations now" in page.locator("#invitation-limits").inner_text()

    page.get_by_label("Email addresses").fill("c@example.org\nd@example.org")
    page.get_by_role("button", name="Send invitations").click()
    page.wait_for_load_state()
    assert "You may send 3 invitations in any 24 hours and have 1 left now" in page.content()
    assert Invitation.objects.count() == 2

    page.get_by_role("row", name="a@example.org").get_by_role("button", name="Withdraw").click()
    page.wait_for_load_state()
    assert "The invitation to a@example.org is withdrawn." in page.content()
    assert Invitation.objects.get(email="a@example.org").status == Invitation.Status.REVOKED
    context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_another_account_opening_the_link_is_told_whose_it_is(browser, live_server):
    chapter = ChapterFactory(name="St. Louis Callers", slug="st-louis-callers", state="MO")
    invitations_create(chapter=chapter, addresses="invitee@example.org")
    token = invitation_token_make(invitation_id=Invitation.objects.get().pk)
    context = new_context(browser, live_server, user=UserFactory(email="someone@example.org"))
    page = context.new_page()
    response = page.goto(f"{live_server.url}/invitations/{token}/")
    assert response.status == 403
    assert "This invitation to St. Louis Callers is for another address" in page.locator("h1").inner_text()
    assert "i•••@example.org" in page.content()
    assert page.get_by_role("button", name="Join St. Louis Callers").count() == 0
    context.close()
