"""A chapter lead sends a "call now" message in real Chromium and watches a real Celery worker send it."""

import asyncio

import pytest

from accounts.models import Membership
from campaigns.services import campaign_demo_create
from rally.models import CallNowMessage
from tests.browser.test_campaign_flow import ARTIFACTS, sign_in
from tests.factories.accounts import ChapterFactory, MembershipFactory, UserFactory
from tests.factories.officials import missouri_officials
from tests.integration.conftest import worker  # noqa: F401 - a real Celery worker
from tests.smtp import SMTPInbox, free_port

MEMBERS = 6


class SlowInbox(SMTPInbox):
    """A mail server that takes its time over each message, as real ones do under load."""

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook)
        await asyncio.sleep(0.4)
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def slow_smtp():
    from aiosmtpd.controller import Controller

    inbox = SlowInbox(host="127.0.0.1", port=free_port())
    controller = Controller(inbox, hostname=inbox.host, port=inbox.port)
    controller.start()
    yield inbox
    controller.stop()


@pytest.mark.browser
@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_lead_sends_call_now_and_watches_the_progress_without_reloading(browser, live_server, worker, slow_smtp):  # noqa: F811
    missouri_officials()
    campaign = campaign_demo_create(chapter=None)
    chapter = ChapterFactory(name="St. Louis Callers", slug="st-louis-callers", state="MO")
    lead = UserFactory(email="lead@example.org", name="Lee Lead")
    MembershipFactory(user=lead, chapter=chapter, role=Membership.Role.LEAD)
    members = [UserFactory(email=f"member{i}@example.org") for i in range(MEMBERS - 1)]
    for member in members:
        MembershipFactory(user=member, chapter=chapter, role=Membership.Role.MEMBER)
    worker.env["DJANGO_SETTINGS_MODULE"] = "tests.browser._worker_settings"
    worker.env["TEST_SMTP_PORT"] = str(slow_smtp.port)
    worker.start()
    ARTIFACTS.mkdir(exist_ok=True)

    page = browser.new_context(viewport={"width": 1200, "height": 900}).new_page()
    sign_in(page, live_server, lead.email, "correct horse battery staple")
    page.goto(f"{live_server.url}/campaigns/{campaign.slug}/")
    page.get_by_role("link", name="Plan a call day or send “call now”").click()
    page.wait_for_load_state()
    page.get_by_label("Your message").fill("The AG's office is taking calls right now. Five minutes, please!")
    page.get_by_label("Include me").check()  # the lead is a recipient only when they ask
    page.get_by_role("button", name="Preview").click()
    page.wait_for_load_state()
    assert page.locator("#recipient-count").inner_text() == str(MEMBERS)  # the members and the lead
    page.screenshot(path=str(ARTIFACTS / "call-now-preview.png"), full_page=True)

    page.get_by_role("button", name=f"Send to {MEMBERS} members").click()
    page.wait_for_load_state()
    message = CallNowMessage.objects.get()
    progress = page.locator(f"#call-now-progress-{message.pk}")
    page.evaluate("window.__notReloaded = true")
    seen = set()
    for _ in range(200):
        seen.add(progress.locator('[data-figure="sent"]').inner_text())
        if progress.get_attribute("data-status") == "done":
            break
        page.wait_for_timeout(100)
    text = progress.inner_text()
    assert f"{MEMBERS} sent" in text, text
    assert "0 failed" in text
    assert "0 left" in text
    assert page.evaluate("window.__notReloaded === true"), "the page reloaded"
    # It moved in steps the lead could watch, not straight from nothing to everything.
    assert len(seen - {"0", str(MEMBERS)}) >= 1, seen
    assert len(slow_smtp.recipients()) == MEMBERS
    page.screenshot(path=str(ARTIFACTS / "call-now-progress.png"), full_page=True)

    # The result stays on the campaign's page for leads.
    page.goto(f"{live_server.url}/campaigns/{campaign.slug}/")
    assert f"{MEMBERS} sent" in page.locator(f"#call-now-progress-{message.pk}").inner_text()
