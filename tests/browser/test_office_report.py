"""In Chromium: a caller dials a number and shares a note; a lead makes the office report and a share
link that opens signed out; the official's page shows its heat map. axe checks the new pages."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tallies.models import CallLog, OfficeReportShare, Outcome
from tests.factories.officials import ContactPointFactory

from .conftest import AXE_OPTIONS, DESKTOP, new_context

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A tel: link would hand the browser to the phone app: the test keeps the page where it is.
KEEP_TEL_LINKS = (
    "document.addEventListener('click', e => { if (e.target.closest('a[href^=\"tel:\"]')) e.preventDefault(); }, true)"
)


def no_axe_violations(page) -> None:
    results = Axe().run(page, options=AXE_OPTIONS)
    assert [v["id"] for v in results.response["violations"]] == []


def test_a_caller_dials_a_number_shares_a_note_and_is_offered_the_next_number(browser, live_server, world):
    ag = world["offices"]["attorney_general"]
    district = ContactPointFactory(office=ag, value="+18168895000", label="Kansas City office", is_capitol=False)
    volunteer = world["volunteer"]
    volunteer.zip_code, volunteer.state = "65101", "MO"
    volunteer.save(update_fields=["zip_code", "state"])
    page = new_context(browser, live_server, user=volunteer, **DESKTOP).new_page()
    page.goto(f"{live_server.url}/campaigns/{world['national'].slug}/")
    page.evaluate(KEEP_TEL_LINKS)
    card = page.locator(".target", has_text="Catherine Hanaway")

    card.locator("a.call-button").click()
    card.locator("details.note summary").click()
    card.locator("input[name=note]").fill("Please pass this on")
    card.locator("input[name=share_note]").check()
    card.locator("button.outcome-busy").click()

    card.locator(".next-number", has_text="The line was busy: try Kansas City office instead.").wait_for()
    call = CallLog.objects.get(user=volunteer)
    assert (call.outcome, call.contact_point_id, call.share_note, call.sign_note) == (
        Outcome.BUSY,
        ag.contact_points.get(is_capitol=True).pk,
        True,
        False,
    )
    assert card.locator(f".next-number a[data-contact-point='{district.pk}']").count() == 1


def test_a_lead_makes_the_report_and_a_share_link_that_opens_signed_out(browser, live_server, world):
    ag = world["offices"]["attorney_general"]
    CallLog.objects.filter(office=ag).update(share_note=True)
    page = new_context(browser, live_server, user=world["lead"], **DESKTOP).new_page()
    page.goto(f"{live_server.url}/chapters/{world['chapter'].slug}/office-report/")
    page.select_option("#report-campaign", world["local"].slug)
    page.select_option("#report-office", str(ag.pk))
    page.get_by_role("button", name="Show report").click()

    page.locator(".report-letter", has_text="1 constituent called").wait_for()
    assert page.locator(".shared-notes li", has_text="They took my name").count() == 3
    no_axe_violations(page)
    page.get_by_role("button", name="Create a share link").click()
    link = page.locator("input.share-url").input_value()
    assert OfficeReportShare.objects.count() == 1

    anonymous = new_context(browser, live_server, **DESKTOP).new_page()
    anonymous.goto(link)
    anonymous.locator(".report-letter", has_text="1 constituent called").wait_for()
    assert "Lee Lead" not in anonymous.content()
    no_axe_violations(anonymous)
    assert OfficeReportShare.objects.get().view_count == 1


def test_the_officials_page_shows_when_to_call(browser, live_server, world):
    ag = world["offices"]["attorney_general"]
    page = new_context(browser, live_server, **DESKTOP).new_page()
    page.goto(f"{live_server.url}/officials/{ag.pk}/")
    page.locator("table.heat-map").first.wait_for()
    assert "Not enough calls yet" in page.content()
    no_axe_violations(page)
