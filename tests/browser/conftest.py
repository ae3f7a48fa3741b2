"""Shared browser fixtures: Debian's Chromium through Playwright, and signed-in contexts."""

import pytest
from django.conf import settings
from django.test import Client

from accounts.models import Membership
from campaigns.models import Campaign
from campaigns.services import campaign_demo_create
from tallies.models import Outcome
from tests.factories.accounts import ChapterFactory, MembershipFactory, UserFactory
from tests.factories.campaigns import CampaignFactory, ReplyFactory
from tests.factories.officials import missouri_officials
from tests.factories.tallies import CallLogFactory

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
# WCAG 2.0, 2.1 and 2.2 A and AA, and Deque's best practices.
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]},
    "resultTypes": ["violations"],
}


@pytest.fixture
def browser(monkeypatch):
    # Playwright's sync API runs an event loop in this thread; the ORM calls in the test are still sync.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def session_cookie(user, live_server) -> dict:
    """A signed-in session for the browser, without walking the login form every time."""
    client = Client()
    client.force_login(user)
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": live_server.url,
    }


def new_context(browser, live_server, *, user=None, **options):
    context = browser.new_context(**options)
    if user is not None:
        context.add_cookies([session_cookie(user, live_server)])
    return context


@pytest.fixture
def world(db):
    """Missouri's officials, a chapter with a lead and a volunteer (no ZIP yet), the demo campaign
    national and for the chapter (with calls and a reply), and a draft."""
    offices = missouri_officials()
    chapter = ChapterFactory(name="St. Louis Callers", slug="st-louis-callers", state="MO")
    national = campaign_demo_create(chapter=None)
    local = campaign_demo_create(chapter=chapter)
    draft = CampaignFactory(chapter=chapter, status=Campaign.Status.DRAFT, title="Fund public defenders")
    volunteer = UserFactory(email="val@example.org", name="Val Volunteer", zip_code="", state="")
    MembershipFactory(user=volunteer, chapter=chapter, role=Membership.Role.MEMBER)
    lead = UserFactory(email="lee@example.org", name="Lee Lead")
    MembershipFactory(user=lead, chapter=chapter, role=Membership.Role.LEAD)
    for outcome in (Outcome.REACHED, Outcome.VOICEMAIL, Outcome.BUSY):
        CallLogFactory(
            user=lead,
            campaign=local,
            chapter=chapter,
            office=offices["attorney_general"],
            outcome=outcome,
            note="They took my name",
        )
    ReplyFactory(campaign=national, author=lead, body="The AG's office says they are still reviewing.")
    return {
        "offices": offices,
        "chapter": chapter,
        "national": national,
        "local": local,
        "draft": draft,
        "volunteer": volunteer,
        "lead": lead,
    }
