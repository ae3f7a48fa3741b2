"""The whole volunteer path in Spanish, in Debian's Chromium with a Spanish browser: sign up, confirm
the address from the email (a real SMTP server), find the officials for ZIP 65101 and log a call from
the Spanish script. Screenshots go to test-artifacts/; axe checks the Spanish pages on the way.

Then a volunteer reading Spanish walks every page and state they reach at a phone's width, and meets
no English: the check reads what a person sees (the rendered text, labels, placeholders and options,
not the markup) and fails on a line that is one of our catalog's English messages, or on English words
("the", "your", "please" ...). Text people wrote (replies, notes), proper names and the site's name
are left out."""

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings

from accounts.join_links import chapter_join_token_make
from accounts.models import User
from advocacy.catalogs import LOCALE_DIR
from campaigns.services import campaign_demo_create
from tallies.models import CallLog, Outcome
from tests.factories.officials import missouri_officials

from .conftest import PHONE, new_context
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
    # allauth's message, in our catalog's words: volunteers are addressed with tú (accounts/allauth_messages.py).
    assert "Confirma tu dirección de correo electrónico" in mail.subject
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


# Words that are English and never Spanish: one of them on a Spanish page is an untranslated string.
ENGLISH_WORDS = {
    "the", "your", "you", "and", "with", "this", "that", "please", "are", "is", "of", "for", "from", "will",
    "have", "has", "our", "here", "what", "how", "who", "when", "it", "be", "an", "or", "to", "in",
    "office", "form", "district", "senator", "representative", "governor", "attorney",
    "republican", "democrat", "independent", "contact", "change", "save", "call", "calls", "sign", "log",
    "password", "email", "address", "forgot", "joined", "member", "expired", "link", "time", "zone",
}  # fmt: skip
# Visible text that is not ours to translate: people's writing, and the names in the test data.
NOT_OURS = "[data-user-text], .reply-body, .reply-meta strong, .note-text, script, style, [hidden]"
PROPER_NAMES = re.compile(
    r"Call Your Officials|Smart on Crime|St\. Louis Callers|Val Volunteer|Lee Lead|[\w.+-]+@[\w.-]+"
)

VISIBLE_TEXT = """(exclude) => {
  const skip = (el) => el.closest(exclude) || el.closest('[aria-hidden="true"]');
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, el = node.parentElement;
    if (!el || skip(el)) continue;
    const style = getComputedStyle(el);
    if (style.display === "none" || style.visibility === "hidden") {
      if (el.tagName !== "OPTION") continue;
    }
    const text = node.textContent.trim();
    if (text) out.push(text);
  }
  for (const el of document.querySelectorAll("[placeholder], [aria-label], [title], input[type=submit][value]")) {
    if (skip(el)) continue;
    for (const name of ["placeholder", "aria-label", "title", "value"]) {
      if (name === "value" && el.type !== "submit") continue;
      const v = el.getAttribute(name);
      if (v) out.push(v);
    }
  }
  return out;
}"""


def _english_messages() -> set[str]:
    with (LOCALE_DIR / "es" / "LC_MESSAGES" / "django.po").open("rb") as po_file:
        catalog = read_po(po_file)
    found = set()
    for message in catalog:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        for text in ids:
            if text and "%" not in text and "{" not in text and len(text.split()) >= 2:
                found.add(text.strip())
    return found


def english_on(page, messages: set[str]) -> list[str]:
    problems = []
    for text in page.evaluate(VISIBLE_TEXT, NOT_OURS):
        cleaned = PROPER_NAMES.sub(" ", text)
        words = {w.lower() for w in re.findall(r"[A-Za-z]+", cleaned)}
        english = sorted(words & ENGLISH_WORDS)
        if text in messages or english:
            problems.append(f"{text[:120]!r} ({', '.join(english) or 'an English message'})")
    return problems


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_volunteer_in_spanish_sees_no_english_on_any_page(browser, live_server, world):
    messages = _english_messages()
    findings, csp = Findings(), []
    volunteer, national, chapter = world["volunteer"], world["national"], world["chapter"]
    volunteer.language = "es"
    volunteer.save(update_fields=["language"])
    page = new_context(browser, live_server, user=volunteer, locale="es-US", **PHONE).new_page()
    _watch_csp(page, csp)
    english: list[str] = []

    def look(name: str) -> None:
        assert page.locator("html").get_attribute("lang") == "es", name
        check(page, f"es {name}", findings, csp)
        english.extend(f"[{name}] {problem}" for problem in english_on(page, messages))

    def visit(path: str, name: str) -> None:
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None
        assert response.status < 500, f"{name}: {response.status}"
        look(name)

    campaign = f"/campaigns/{national.slug}/"
    visit(campaign, "campaign page, no ZIP yet")
    page.get_by_label("Tu código postal").fill("00000")
    page.get_by_role("button", name="Buscar a mis representantes").click()
    page.locator("#id_zip_code_error").wait_for()
    assert "00000 no es un código postal de EE. UU." in page.locator("#id_zip_code_error").inner_text()
    look("campaign page, unknown ZIP")
    page.get_by_label("Tu código postal").fill("65101")
    page.get_by_role("button", name="Buscar a mis representantes").click()
    page.locator(".target").first.wait_for()
    page.locator("details.local-offices > summary, details.change-zip > summary").all()
    for summary in page.locator("details > summary").all():
        if summary.is_visible():
            summary.click()
    look("campaign page with officials, every detail open")

    card = page.locator(".target", has_text="Catherine Hanaway")
    assert "Fiscal general de Missouri" in card.inner_text()
    assert "Republicano" in card.inner_text()

    for path, name in [
        ("/officials/?zip=65101", "officials for 65101"),
        ("/officials/?zip=63103", "officials for a split ZIP"),
        ("/officials/?zip=00000", "officials, unknown ZIP"),
        ("/officials/?zip=6510", "officials, malformed ZIP"),
        ("/profile/", "profile"),
        ("/profile/delete/", "delete account"),
        ("/profile/tokens/", "API tokens"),
        (
            f"/officials/contact-points/{world['offices']['attorney_general'].contact_points.first().pk}/report/",
            "report a wrong number",
        ),
        ("/me/impact/", "my impact"),
        ("/chapters/", "my chapters"),
        (f"/chapters/{chapter.slug}/", "chapter page"),
        (f"/chapters/join/{chapter_join_token_make(chapter=chapter)}/", "join a chapter"),
        ("/chapters/join/not-a-token/", "join, bad link"),
        ("/accounts/email/", "email addresses"),
        ("/accounts/password/change/", "change password"),
        ("/accounts/logout/", "log out"),
    ]:
        visit(path, name)
        if name == "profile":
            # The default zone, America/New_York, named as people say it, in Spanish.
            chosen = page.locator("select[name=time_zone] option:checked").inner_text()
            assert chosen == "Nueva York · hora oriental", chosen

    page.context.clear_cookies()
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "es", "url": live_server.url}])
    for path, name in [
        ("/accounts/login/", "log in"),
        ("/accounts/signup/", "sign up"),
        ("/accounts/password/reset/", "password reset"),
        ("/accounts/confirm-email/", "verification sent"),
    ]:
        visit(path, name)

    assert not english, f"{len(english)} English text(s) on Spanish pages:\n" + "\n".join(english)
    assert not findings.problems, findings.report()
