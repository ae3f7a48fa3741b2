"""A visitor's first look at phone width, in English and Spanish: a ZIP shows the officials and the
script, the first tap leads to signing up and is logged after sign-in, and the done screen shares
the campaign. The "call now" preview states at 390 px. axe and the CSP checked on every state."""

import datetime as dt
from unittest import mock

import pytest
from playwright.sync_api import expect

from accounts.models import User
from tallies.models import CallLog, Outcome
from tests.factories.accounts import UserFactory

from .conftest import PHONE, new_context
from .test_accessibility import Findings, _watch_csp, check

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WORDS = {
    "en": {
        "zip": "Your ZIP code",
        "find": "Find my officials",
        "reached": "Reached a person",
        "kept": "we keep “reached a person”",
        "welcome": "Welcome! The call you made before signing up is logged",
        "done": "You're done. Thank you!",
        "share": "Share this campaign",
        "copied": "Link copied",
        "login": "Log in",
    },
    "es": {
        "zip": "Tu código postal",
        "find": "Buscar a mis representantes",
        "reached": "Hablé con alguien",
        "kept": "guardamos «hablé con alguien»",
        "welcome": "¡Te damos la bienvenida! La llamada que hiciste antes de registrarte ya está registrada",
        "done": "¡Listo! Muchas gracias.",
        "share": "Comparte esta campaña",
        "copied": "Enlace copiado",
        "login": "Iniciar sesión",
    },
}


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_visitor_looks_taps_signs_in_and_finishes_with_the_done_screen(browser, live_server, world, language):
    words = WORDS[language]
    findings, csp = Findings(), []
    context = new_context(browser, live_server, locale="es-US" if language == "es" else "en-US", **PHONE)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page = context.new_page()
    _watch_csp(page, csp)
    campaign = world["national"]
    page.goto(f"{live_server.url}/campaigns/{campaign.slug}/")
    check(page, f"{language} visitor, no ZIP", findings, csp)
    assert User.objects.count() == 2  # the world's volunteer and lead: looking stores nobody

    page.get_by_label(words["zip"]).fill("65101")
    page.get_by_role("button", name=words["find"]).click()
    card = page.locator(".target", has_text="Catherine Hanaway")
    expect(card.locator("a.call-button")).to_have_attribute("href", "tel:+15737513321")
    expect(card.locator(".script-text")).to_contain_text("Catherine Hanaway")
    check(page, f"{language} visitor with officials", findings, csp)
    before = CallLog.objects.count()  # the lead's calls in the world

    card.get_by_role("button", name=words["reached"]).click()
    page.wait_for_load_state()
    assert "/accounts/signup/" in page.url
    expect(page.locator(".messages")).to_contain_text(words["kept"])
    check(page, f"{language} sign up with a kept call", findings, csp)
    assert CallLog.objects.count() == before

    # They sign up and confirm their email (a verified address), then sign in in the same browser.
    user = UserFactory(email=f"visitor-{language}@example.org", zip_code="", state="", language=language)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", "correct horse battery staple")
    page.locator("form").filter(has=page.locator("input[name=password]")).locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert f"/campaigns/{campaign.slug}/" in page.url
    expect(page.locator(".messages")).to_contain_text(words["welcome"])
    call = CallLog.objects.get(user=user)
    assert call.outcome == Outcome.REACHED

    # Every other target, then the done screen.
    for target in page.locator(".target").all():
        if target.locator("button.outcome").count() and not target.locator(".undo-button").count():
            target.locator("button.outcome").first.click()
            expect(target.locator(".undo-button")).to_have_count(1)
    done = page.locator("#campaign-done")
    expect(done).to_contain_text(words["done"])
    expect(done).to_be_focused()
    check(page, f"{language} done screen", findings, csp)
    done.get_by_role("button", name=words["share"]).click()
    expect(page.locator("#share-status")).to_contain_text(words["copied"])
    assert f"/campaigns/{campaign.slug}/" in page.evaluate("navigator.clipboard.readText()")
    assert not findings.problems, findings.report()


def test_without_javascript_the_done_screen_offers_the_link(browser, live_server, world):
    volunteer = world["volunteer"]
    volunteer.zip_code, volunteer.state = "65101", "MO"
    volunteer.save(update_fields=["zip_code", "state"])
    page = new_context(browser, live_server, user=volunteer, java_script_enabled=False, **PHONE).new_page()
    page.goto(f"{live_server.url}/campaigns/{world['national'].slug}/")
    for dom_id in [card.get_attribute("id") for card in page.locator(".target").all()]:
        page.locator(f"#{dom_id} button.outcome").first.click()
        page.wait_for_load_state()
    assert page.url.endswith("#campaign-done")
    expect(page.locator("#campaign-done")).to_contain_text("You're done. Thank you!")
    expect(page.locator("#campaign-done .share-button")).to_be_hidden()
    expect(page.locator("#share-link")).to_have_value(f"{live_server.url}/campaigns/{world['national'].slug}/")
    # (axe needs JavaScript: the done screen is checked in the visitor test.)


def test_the_call_now_preview_states_at_phone_width(browser, live_server, world):
    findings, csp = Findings(), []
    lead, chapter, campaign = world["lead"], world["chapter"], world["local"]
    page = new_context(browser, live_server, user=lead, **PHONE).new_page()
    _watch_csp(page, csp)
    page.goto(f"{live_server.url}/chapters/{chapter.slug}/rally/{campaign.slug}/")
    late = dt.datetime(2026, 12, 3, 20, 47, tzinfo=chapter.zone)
    with mock.patch("rally.selectors.call_now_outside_hours", return_value=late):
        call_now = page.locator("section[aria-labelledby=call-now]")
        call_now.locator("textarea").fill("Call the AG today!")
        call_now.get_by_role("button", name="Preview").click()
        page.wait_for_load_state()
    expect(page.locator("#call-now-hours")).to_contain_text("It is 20:47")
    # The volunteer has not called: one recipient, not the lead.
    expect(page.locator("#recipient-count")).to_have_text("1")
    check(page, "call now preview, late, one recipient", findings, csp)

    CallLog.objects.create(
        user=world["volunteer"],
        campaign=campaign,
        action=campaign.actions.first(),
        office=world["offices"]["attorney_general"],
        outcome=Outcome.REACHED,
        chapter=chapter,
    )
    page.goto(f"{live_server.url}/chapters/{chapter.slug}/rally/{campaign.slug}/")
    call_now = page.locator("section[aria-labelledby=call-now]")
    call_now.locator("textarea").fill("Call the AG today!")
    call_now.get_by_role("button", name="Preview").click()
    page.wait_for_load_state()
    expect(page.locator("#recipient-count-none")).to_be_visible()
    expect(page.locator("button[name=confirm]")).to_have_count(0)
    check(page, "call now preview, nobody", findings, csp)
    assert not findings.problems, findings.report()
