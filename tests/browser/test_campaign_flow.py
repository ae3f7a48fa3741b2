"""The call flow in real headless Chromium (Debian's), driven by Playwright."""

import re
from pathlib import Path

import pytest

from campaigns.services import campaign_demo_create
from tallies.models import CallLog, Outcome
from tests.factories.accounts import UserFactory
from tests.factories.officials import missouri_officials

ARTIFACTS = Path(__file__).resolve().parent.parent.parent / "test-artifacts"


def sign_in(page, live_server, email, password):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.locator("form").filter(has=page.locator("input[name=password]")).locator("button[type=submit]").click()
    page.wait_for_load_state()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_volunteer_sets_a_missouri_zip_calls_the_attorney_general_and_sees_the_count_go_up(browser, live_server):
    missouri_officials()
    campaign = campaign_demo_create(chapter=None)
    user = UserFactory(email="caller@example.org", name="Cal Caller", zip_code="", state="")
    ARTIFACTS.mkdir(exist_ok=True)

    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    sign_in(page, live_server, user.email, "correct horse battery staple")
    assert "/accounts/login/" not in page.url, "the login did not go through"

    page.goto(f"{live_server.url}/campaigns/{campaign.slug}/")
    page.get_by_label("Your ZIP code").fill("65101")
    page.get_by_role("button", name="Find my officials").click()
    page.wait_for_load_state()

    card = page.locator(".target", has_text="Catherine Hanaway")
    call_link = card.get_by_role("link", name=re.compile(r"573-751-3321"))
    assert call_link.get_attribute("href") == "tel:+15737513321"
    assert "I'm calling today to demand that Catherine Hanaway condemn" in card.inner_text()
    assert "[STATE AG" not in card.inner_text()
    assert "0 of 1" in page.locator(".action", has=card).locator(".action-progress").inner_text()
    assert page.locator("#campaign-progress").inner_text().startswith("0 of 500")
    page.screenshot(path=str(ARTIFACTS / "campaign-page.png"), full_page=True)

    url_before = page.url
    card.get_by_role("button", name="Left a voicemail").click()
    page.locator("#campaign-progress", has_text="1 of 500").wait_for()
    assert "Logged: left a voicemail" in card.inner_text()
    assert "1 of 1" in page.locator(".action", has=card).locator(".action-progress").inner_text()
    assert page.url == url_before  # no reload: htmx swapped the card's form in place
    call = CallLog.objects.get()
    assert (call.user_id, call.outcome, call.person.name) == (user.pk, Outcome.VOICEMAIL, "Catherine Hanaway")
    page.screenshot(path=str(ARTIFACTS / "campaign-page-logged.png"), full_page=True)

    phone = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True)
    phone_page = phone.new_page()
    phone_page.context.add_cookies(context.cookies())
    phone_page.goto(f"{live_server.url}/campaigns/{campaign.slug}/#actions")
    phone_page.screenshot(path=str(ARTIFACTS / "campaign-page-390.png"), full_page=True)
    phone_page.goto(f"{live_server.url}/campaigns/{campaign.slug}/")
    phone_page.screenshot(path=str(ARTIFACTS / "campaign-page-390-first-screen.png"))
    phone_page.locator(".action").nth(0).screenshot(path=str(ARTIFACTS / "campaign-write-card-390.png"))
    phone_page.locator(".action").nth(1).screenshot(path=str(ARTIFACTS / "campaign-call-card-390.png"))
    phone_page.goto(f"{live_server.url}/campaigns/")
    phone_page.screenshot(path=str(ARTIFACTS / "campaign-list-390.png"), full_page=True)
    phone.close()
    context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_chapter_lead_writes_an_action_previews_it_and_publishes(browser, live_server):
    from accounts.models import Membership
    from campaigns.models import Campaign
    from tests.factories.accounts import ChapterFactory, MembershipFactory
    from tests.factories.campaigns import CampaignFactory

    missouri_officials()
    chapter = ChapterFactory(name="St. Louis Callers", slug="st-louis-callers", state="MO")
    lead = UserFactory(email="lead@example.org", name="Lee Lead")
    MembershipFactory(user=lead, chapter=chapter, role=Membership.Role.LEAD)
    campaign = CampaignFactory(chapter=chapter, status=Campaign.Status.DRAFT, title="Fund public defenders")
    ARTIFACTS.mkdir(exist_ok=True)

    page = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True).new_page()
    sign_in(page, live_server, lead.email, "correct horse battery staple")
    page.goto(f"{live_server.url}/campaigns/{campaign.slug}/actions/new/")
    page.locator("#id_title").fill("Call your state attorney general")
    page.locator("#id_script").fill("Hello, I'm [YOUR NAME]. Please ask [STATE AG's NAME] to back [BILL NUMBER].")
    page.get_by_label("Attorney General").check()
    page.get_by_role("button", name="Save action").click()
    page.wait_for_load_state()

    assert "/preview/" in page.url
    body = page.locator("main").inner_text()
    assert "Hello, I'm Lee Lead. Please ask Catherine Hanaway to back [BILL NUMBER]." in body
    assert "Unknown placeholder [BILL NUMBER] in the script." in body
    page.screenshot(path=str(ARTIFACTS / "campaign-preview-390.png"), full_page=True)

    # Volunteers would read "[BILL NUMBER]" as written: publishing waits until the lead edits it away.
    page.get_by_role("button", name="Publish").click()
    page.wait_for_load_state()
    assert "Edit away the unknown placeholders before publishing: [BILL NUMBER]." in page.locator("main").inner_text()
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.DRAFT
    page.goto(f"{live_server.url}/campaigns/{campaign.slug}/actions/{campaign.actions.get().pk}/edit/")
    page.locator("#id_script").fill("Hello, I'm [YOUR NAME]. Please ask [STATE AG's NAME] to back SB 12.")
    page.get_by_role("button", name="Save action").click()
    page.wait_for_load_state()

    page.get_by_role("button", name="Publish").click()
    page.wait_for_load_state()
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.ACTIVE
