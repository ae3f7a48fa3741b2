"""Undo at phone width, by keyboard with htmx and without JavaScript, in English and Spanish; the
line that replaces the outcome buttons after the third call. axe and the CSP checked on each state."""

import pytest
from playwright.sync_api import expect

from tallies.models import CallLog
from tallies.selectors import tally_campaign_totals

from .conftest import PHONE, new_context
from .test_accessibility import Findings, _watch_csp, check

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WORDS = {
    "en": {
        "skipped": "Skipped",
        "logged": "Thank you! Logged: skipped.",
        "undo": "Undo",
        "undone": "Undone: that call no longer counts anywhere.",
        "limit": "You can log the next one from",
        "reached": "Reached a person",
    },
    "es": {
        "skipped": "Lo salté",
        "logged": "¡Gracias! Registrado: lo salté.",
        "undo": "Deshacer",
        "undone": "Deshecho: esa llamada ya no cuenta en ningún sitio.",
        "limit": "Podrás registrar la siguiente a partir de las",
        "reached": "Hablé con alguien",
    },
}


def _page(browser, live_server, world, language, **options):
    volunteer = world["volunteer"]
    volunteer.zip_code, volunteer.state, volunteer.language = "65101", "MO", language
    volunteer.save(update_fields=["zip_code", "state", "language"])
    page = new_context(browser, live_server, user=volunteer, **PHONE, **options).new_page()
    csp: list[str] = []
    _watch_csp(page, csp)
    page.goto(f"{live_server.url}/campaigns/{world['national'].slug}/")
    card = page.locator(".target", has_text="Catherine Hanaway")
    return page, card, csp


def _active(page, selector: str) -> bool:
    return page.evaluate("s => !!document.activeElement && document.activeElement.matches(s)", selector)


def _tab_to(page, selector: str, limit: int = 150) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if _active(page, selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


@pytest.mark.parametrize("language", ["en", "es"])
def test_by_keyboard_a_mis_tap_is_undone_and_counts_nowhere(browser, live_server, world, language):
    words = WORDS[language]
    page, card, csp = _page(browser, live_server, world, language)
    findings = Findings()
    dom_id = card.get_attribute("id")
    campaign = world["national"]

    _tab_to(page, f"#{dom_id} button.outcome-skipped")
    page.keyboard.press("Enter")
    page.locator(f"#{dom_id}-status", has_text=words["logged"]).wait_for()
    expect(page.locator(f"#{dom_id}-status p")).to_be_focused()
    check(page, f"{language} logged, undo offered", findings, csp)
    assert tally_campaign_totals(campaign_ids=[campaign.pk]) == {campaign.pk: 1}

    # The next Tab reaches Undo, right after the confirmation.
    page.keyboard.press("Tab")
    assert _active(page, f"#{dom_id} button.undo-button")
    assert page.locator(f"#{dom_id} button.undo-button").inner_text().strip() == words["undo"]
    page.keyboard.press("Enter")

    page.locator(f"#{dom_id}-status", has_text=words["undone"]).wait_for()
    expect(page.locator(f"#{dom_id}-status p")).to_be_focused()
    expect(card.locator("button.undo-button")).to_have_count(0)
    check(page, f"{language} undone", findings, csp)
    assert tally_campaign_totals(campaign_ids=[campaign.pk]) == {}
    assert CallLog.objects.counted().filter(user=world["volunteer"]).count() == 0
    # The card's form is back for the real outcome: its note first, then the buttons.
    page.keyboard.press("Tab")
    assert _active(page, f"#{dom_id} details.note summary")
    page.keyboard.press("Tab")
    assert _active(page, f"#{dom_id} button.outcome-reached")
    assert not findings.problems, findings.report()


@pytest.mark.parametrize("language", ["en", "es"])
def test_without_javascript_undo_posts_back_to_the_card(browser, live_server, world, language):
    words = WORDS[language]
    page, card, _csp = _page(browser, live_server, world, language, java_script_enabled=False)
    dom_id = card.get_attribute("id")

    card.get_by_role("button", name=words["skipped"]).click()
    page.wait_for_load_state()
    assert page.url.endswith(f"#{dom_id}-status")
    expect(page.locator(f"#{dom_id}-status")).to_contain_text(words["logged"])
    page.locator(f"#{dom_id} button.undo-button").click()
    page.wait_for_load_state()

    assert page.url.endswith(f"#{dom_id}-status")
    expect(page.locator(f"#{dom_id}-status")).to_contain_text(words["undone"])
    expect(page.locator(f"#{dom_id} button.undo-button")).to_have_count(0)
    # (axe needs JavaScript; the same undone card is checked in the keyboard test.)
    assert CallLog.objects.counted().filter(user=world["volunteer"]).count() == 0
    assert CallLog.objects.filter(user=world["volunteer"], undoes__isnull=False).count() == 1


@pytest.mark.parametrize("language", ["en", "es"])
def test_after_the_third_call_a_line_says_when_the_next_can_be_logged(browser, live_server, world, language):
    words = WORDS[language]
    page, card, csp = _page(browser, live_server, world, language)
    findings = Findings()
    dom_id = card.get_attribute("id")

    for n in range(3):
        with page.expect_response(lambda r: r.url.endswith("/calls/") and r.request.method == "POST"):
            card.get_by_role("button", name=words["reached"]).click()
        expect(card.locator("button.undo-button")).to_have_count(1)
        assert CallLog.objects.filter(user=world["volunteer"]).count() == n + 1

    expect(page.locator(f"#{dom_id}-limit")).to_contain_text(words["limit"])
    expect(card.locator("button.outcome")).to_have_count(0)
    check(page, f"{language} per-office limit reached", findings, csp)
    assert not findings.problems, findings.report()
