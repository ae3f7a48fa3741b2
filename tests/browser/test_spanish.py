"""The whole volunteer path in Spanish, in Debian's Chromium with a Spanish browser: sign up, confirm
the address from the email (a real SMTP server), find the officials for ZIP 65101 and log a call from
the Spanish script. Screenshots go to test-artifacts/; axe checks the Spanish pages on the way."""

import re
from pathlib import Path

import pytest

from accounts.models import User
from campaigns.services import campaign_demo_create
from tallies.models import CallLog, Outcome
from tests.factories.officials import missouri_officials

from .test_accessibility import Findings, _watch_csp, check

ARTIFACTS = Path(__file__).resolve().parent.parent.parent / "test-artifacts"
PASSWORD = "una clave larga y segura 2026"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_spanish_speaker_signs_up_confirms_and_calls_with_the_spanish_script(browser, live_server, smtp_server):
    missouri_officials()
    campaign = campaign_demo_create(chapter=None)
    ARTIFACTS.mkdir(exist_ok=True)
    findings, csp = Findings(), []
    context = browser.new_context(locale="es-US", viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    _watch_csp(page, csp)

    # Sign up: the browser asks for Spanish, so every page is in Spanish from the first one.
    page.goto(f"{live_server.url}/accounts/signup/")
    assert page.locator("html").get_attribute("lang") == "es"
    check(page, "registro", findings, csp)
    # caret="initial": hiding the caret, Playwright would add a <style> element, which the CSP refuses.
    page.screenshot(path=str(ARTIFACTS / "es-signup.png"), full_page=True, caret="initial")
    page.fill("input[name=email]", "lucia@example.org")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.locator("form").filter(has=page.locator("input[name=password2]")).locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "/accounts/confirm-email/" in page.url
    check(page, "verificación enviada", findings, csp)
    assert User.objects.get(email="lucia@example.org").language == "es"

    # Confirm from the email, which came in Spanish.
    mail = smtp_server.to("lucia@example.org")[0]
    assert "confirme su dirección de correo electrónico" in mail.subject  # allauth's own Spanish
    link = next(url for url in mail.links() if "/accounts/confirm-email/" in url)
    page.goto(link)
    page.screenshot(path=str(ARTIFACTS / "es-confirm.png"), full_page=True, caret="initial")
    page.locator("form").filter(has_text=re.compile("Confirm", re.I)).locator("button[type=submit]").click()
    page.wait_for_load_state()

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", "lucia@example.org")
    page.fill("input[name=password]", PASSWORD)
    page.locator("form").filter(has=page.locator("input[name=password]")).locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url, "the login did not go through"

    # Call: the ZIP, then the attorney general's card with the Spanish script.
    page.goto(f"{live_server.url}/campaigns/{campaign.slug}/")
    page.get_by_role("heading", level=1, name=re.compile("No a las condenas")).wait_for()
    page.get_by_label("Tu código postal").fill("65101")
    page.get_by_role("button", name="Buscar a mis representantes").click()
    page.wait_for_load_state()
    card = page.locator(".target", has_text="Catherine Hanaway")
    call_link = card.get_by_role("link", name="Llamar 573-751-3321")
    assert call_link.get_attribute("href") == "tel:+15737513321"
    text = card.inner_text()
    assert "Llamo para pedir que Catherine Hanaway condene la nueva política" in text
    assert "¿Va a hablar Catherine Hanaway públicamente en contra de esta política?" in text
    assert "SI DEJAS UN MENSAJE DE VOZ" in text
    assert "[STATE AG" not in text
    check(page, "página de la campaña", findings, csp)
    page.screenshot(path=str(ARTIFACTS / "es-campaign-page.png"), full_page=True, caret="initial")
    card.screenshot(path=str(ARTIFACTS / "es-call-card.png"), caret="initial")

    card.get_by_role("button", name="Dejé un mensaje de voz").click()
    card.locator(".log-status", has_text="¡Gracias! Registrado: dejé un mensaje de voz.").wait_for()
    check(page, "página de la campaña tras registrar", findings, csp)
    call = CallLog.objects.get()
    assert (call.outcome, call.person.name) == (Outcome.VOICEMAIL, "Catherine Hanaway")
    page.screenshot(path=str(ARTIFACTS / "es-call-logged.png"), full_page=True, caret="initial")

    # The switcher: the same page, now in English, remembered on the profile.
    page.get_by_role("button", name="English").click()
    page.get_by_role("heading", level=1, name=re.compile("Oppose excessive")).wait_for()
    assert page.url.endswith(f"/campaigns/{campaign.slug}/")
    assert User.objects.get(email="lucia@example.org").language == "en"
    context.close()
    assert not findings.problems, findings.report()
