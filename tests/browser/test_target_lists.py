"""A lead imports a target list at phone width (preview, fix the bad row, confirm) and uses it in a
campaign; a volunteer with a St. Louis ZIP sees their own alderperson and logs a call that the dashboard,
the CSV export and the API count. Real Chromium, driven by Playwright."""

import pytest
from django.test import Client
from playwright.sync_api import expect

from accounts.models import Membership
from campaigns.models import Action
from tallies.models import CallLog, Outcome
from tallies.rollups import rollup_calls
from tests.factories.accounts import ChapterFactory, MembershipFactory, UserFactory
from tests.factories.campaigns import CampaignFactory

from .conftest import PHONE, new_context

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CSV = """name,title,phone,district,zips,external_id,title_es,district_es
Alex Sample,Alderperson,314-555-0101,Ward 1,63101 63102 63103,w1,Concejal,Distrito 1
Jordan Example,Alderperson,314-555-01,Ward 2,63104 63118,w2,Concejal,Distrito 2
"""


@pytest.fixture
def people(db):
    chapter = ChapterFactory(name="St. Louis Callers", slug="st-louis-callers", state="MO")
    lead = UserFactory(email="lee@example.org", name="Lee Lead", zip_code="63103")
    MembershipFactory(user=lead, chapter=chapter, role=Membership.Role.LEAD)
    volunteer = UserFactory(email="val@example.org", name="Val Volunteer", zip_code="63103")
    MembershipFactory(user=volunteer, chapter=chapter, role=Membership.Role.MEMBER)
    return chapter, lead, volunteer


def test_import_preview_fix_confirm_then_a_volunteer_calls_their_alderperson(browser, live_server, people):
    chapter, lead, volunteer = people
    page = new_context(browser, live_server, user=lead, **PHONE).new_page()
    page.goto(f"{live_server.url}/chapters/{chapter.slug}/")
    page.get_by_role("link", name="Target lists").click()
    page.get_by_role("link", name="Import a list").click()
    page.get_by_label("List name").fill("St. Louis Board of Aldermen")
    page.get_by_label("Or paste the CSV").fill(CSV)
    page.get_by_role("button", name="Preview").click()

    problems = page.locator("#import-problems")
    expect(problems).to_contain_text("Row 3, column phone: 314-555-01 is not a valid U.S. phone number.")
    expect(page.locator(".preview-table .cell-bad")).to_have_count(1)
    assert page.get_by_role("button", name="Import 2 rows").count() == 0
    # Nothing fits outside the phone's width except inside the scrolling table.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["viewport"]["width"]

    box = page.get_by_label("Or paste the CSV")
    box.fill(box.input_value().replace("314-555-01,", "314-555-0102,"))
    page.get_by_role("button", name="Preview again").click()
    expect(page.locator("#import-summary")).to_contain_text("2 rows are ready to import.")
    page.get_by_role("button", name="Import 2 rows").click()
    expect(page.locator("h1")).to_have_text("St. Louis Board of Aldermen")
    expect(page.get_by_role("link", name="(314) 555-0102")).to_be_visible()

    target_list = chapter.target_lists.get()
    campaign = CampaignFactory(chapter=chapter, title="Fund pretrial diversion", slug="fund-diversion")
    Action.objects.create(
        campaign=campaign,
        title="Call your alderperson",
        script="Hello [OFFICIAL TITLE] [OFFICIAL LAST NAME], I'm [YOUR NAME] from [DISTRICT].",
        target_list=target_list,
        target_list_mode="own",
    )

    caller = new_context(browser, live_server, user=volunteer, **PHONE).new_page()
    caller.goto(f"{live_server.url}/campaigns/{campaign.slug}/")
    card = caller.locator(".target", has_text="Alex Sample")
    expect(card).to_contain_text("Hello Alderperson Sample, I'm Val Volunteer from Ward 1.")
    expect(caller.locator(".target", has_text="Jordan Example")).to_have_count(0)
    assert card.locator("a.call-button").get_attribute("href") == "tel:+13145550101"
    card.get_by_role("button", name="Reached a person").click()
    expect(card.locator(".call-status, [id$='-status']").first).to_contain_text("Thank you")
    call = CallLog.objects.get(user=volunteer)
    assert (call.outcome, call.person.name) == (Outcome.REACHED, "Alex Sample")

    rollup_calls()
    page.goto(f"{live_server.url}/chapters/{chapter.slug}/dashboard/")
    expect(page.locator("body")).to_contain_text("Alderperson")
    lead_client = Client()
    lead_client.force_login(lead)
    export = lead_client.get(f"/chapters/{chapter.slug}/dashboard/calls.csv")
    assert "Alex Sample" in b"".join(export.streaming_content).decode()
    api = lead_client.get(f"/api/v1/chapters/{chapter.slug}/tally/").json()
    assert api["total"] == 1
