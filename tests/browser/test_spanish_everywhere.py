"""A volunteer reading Spanish meets no English: every page and state they reach, at a phone's width.

The check reads what a person sees (the rendered text, labels and options, not the markup) and fails
on English: a line that is one of our catalog's English messages, or English words ("the", "your",
"please" ...). Text that people wrote (replies, notes) and proper names are left out; so is the site's
name. Axe runs over each state on the way.
"""

import re

import pytest
from babel.messages.pofile import read_po
from django.conf import settings

from accounts.join_links import chapter_join_token_make
from advocacy.catalogs import LOCALE_DIR

from .conftest import PHONE, new_context
from .test_accessibility import Findings, _watch_csp, check

# Words that are English and never Spanish: one of them on a Spanish page is an untranslated string.
ENGLISH_WORDS = {
    "the", "your", "you", "and", "with", "this", "that", "please", "are", "is", "of", "for", "from", "will",
    "have", "has", "our", "here", "what", "how", "who", "when", "it", "be", "an", "or", "to", "in", "on",
    "office", "form", "district", "senator", "representative", "governor", "attorney", "general",
    "republican", "democrat", "independent", "contact", "change", "save", "call", "calls", "sign", "log",
    "password", "email", "address", "forgot", "joined", "member", "expired", "link", "time", "zone",
}  # fmt: skip
# Visible text that is not ours to translate: people's writing, and the names in the test data.
NOT_OURS = "[data-user-text], .reply-body, .reply-meta strong, .note-text, script, style, [hidden]"
PROPER_NAMES = re.compile(r"Call Your Officials|St\. Louis Callers|Val Volunteer|Lee Lead|[\w.+-]+@[\w.-]+")

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
    assert page.locator("select[name=time_zone] option:checked").inner_text().startswith("Denver · hora")

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
