"""The call page by keyboard, without JavaScript and on a small phone; the focus ring, the widget at
300 px and the dashboard's tables at phone width. Real Chromium, driven by Playwright."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tallies.models import CallLog, Outcome

from .conftest import AXE_OPTIONS, DESKTOP, PHONE, new_context

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _campaign_page(browser, live_server, world, **options):
    volunteer = world["volunteer"]
    volunteer.zip_code, volunteer.state = "65101", "MO"
    volunteer.save(update_fields=["zip_code", "state"])
    page = new_context(browser, live_server, user=volunteer, **options).new_page()
    page.goto(f"{live_server.url}/campaigns/{world['national'].slug}/")
    card = page.locator(".target", has_text="Catherine Hanaway")
    return page, card


def _active(page, selector: str) -> bool:
    return page.evaluate("s => !!document.activeElement && document.activeElement.matches(s)", selector)


def _tab_to(page, selector: str, limit: int = 150) -> int:
    for n in range(1, limit + 1):
        page.keyboard.press("Tab")
        if _active(page, selector):
            return n
    raise AssertionError(f"Tab never reached {selector}")


def test_by_keyboard_a_volunteer_tabs_to_call_logs_and_lands_on_the_confirmation(browser, live_server, world):
    page, card = _campaign_page(browser, live_server, world, **DESKTOP)
    office = world["offices"]["attorney_general"]
    dom_id = card.get_attribute("id")

    _tab_to(page, f"#{dom_id} a.call-button")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "tel:+15737513321"
    _tab_to(page, f"#{dom_id} button.outcome-voicemail")
    page.keyboard.press("Enter")

    status = page.locator(f"#{dom_id}-status")
    status.locator("p", has_text="Thank you! Logged: left a voicemail.").wait_for()
    # (expect() polls without eval: wait_for_function's string predicates are blocked by the site's CSP.)
    expect(page.locator(f"#{dom_id}-status p")).to_be_focused()
    # The live region is the one that was on the page before the log, updated in place.
    assert page.evaluate(f"document.getElementById('{dom_id}-status').getAttribute('role')") == "status"
    page.locator("#campaign-progress", has_text="1 of 500").wait_for()
    # The next Tabs reach Undo (for 10 minutes), then the fresh form (its note first, then the
    # outcome buttons), not the top of the page.
    page.keyboard.press("Tab")
    assert _active(page, f"#{dom_id} button.undo-button")
    page.keyboard.press("Tab")
    assert _active(page, f"#{dom_id} details.note summary")
    page.keyboard.press("Tab")
    assert _active(page, f"#{dom_id} button.outcome-reached")
    assert CallLog.objects.get(user=world["volunteer"], office=office).outcome == Outcome.VOICEMAIL


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_enter_in_the_note_field_never_logs_an_outcome(browser, live_server, world, javascript):
    page, card = _campaign_page(browser, live_server, world, java_script_enabled=javascript, **PHONE)
    dom_id = card.get_attribute("id")
    url = page.url

    card.locator("summary", has_text="Add a note").click()
    note = card.get_by_label("What did they say?")
    note.fill("Staffer said the AG is still reviewing")
    note.press("Enter")
    page.wait_for_timeout(700)  # time for a post, if one had gone

    assert not CallLog.objects.filter(user=world["volunteer"]).exists()
    assert page.url == url
    assert note.input_value() == "Staffer said the AG is still reviewing"
    if javascript:
        assert "choose how it went" in page.locator(f"#{dom_id}-status").inner_text()

    card.get_by_role("button", name="Left a voicemail").click()
    page.locator(f"#{dom_id}-status", has_text="Logged: left a voicemail").wait_for()
    call = CallLog.objects.get(user=world["volunteer"])
    assert (call.outcome, call.note) == (Outcome.VOICEMAIL, "Staffer said the AG is still reviewing")


def test_without_javascript_on_a_phone_the_confirmation_is_in_the_first_screen(browser, live_server, world):
    page, card = _campaign_page(browser, live_server, world, java_script_enabled=False, **PHONE)
    dom_id = card.get_attribute("id")
    # Controls that need JavaScript are absent: the Copy button stays hidden.
    assert card.locator(".copy-button").count() == 1
    assert not card.locator(".copy-button").is_visible()

    card.get_by_role("button", name="Busy or no answer").click()
    page.wait_for_load_state()

    assert page.url.endswith(f"#{dom_id}-status")
    confirmation = page.locator(f"#{dom_id}-status p")
    assert "Thank you! Logged: busy or no answer." in confirmation.inner_text()
    box = confirmation.bounding_box()
    assert box is not None
    assert 0 <= box["y"], box
    assert box["y"] + box["height"] <= PHONE["viewport"]["height"], box
    assert CallLog.objects.get(user=world["volunteer"]).outcome == Outcome.BUSY


def test_with_javascript_the_copy_button_shows_and_copies(browser, live_server, world):
    page, card = _campaign_page(
        browser, live_server, world, permissions=["clipboard-read", "clipboard-write"], **DESKTOP
    )
    button = card.locator(".copy-button")
    assert button.is_visible()
    button.click()
    assert "Catherine Hanaway" in page.evaluate("navigator.clipboard.readText()")


# The ring is an outline 2 px outside the element with a band of another colour inside it (box-shadow):
# one of the two must stand out 3:1 from what lies around it.
CONTRAST_JS = """
() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const parse = c => { const m = c.match(/[\\d.]+/g).map(Number); return {r: m[0], g: m[1], b: m[2], a: m.length > 3 ? m[3] : 1}; };
  const lum = ({r, g, b}) => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  const backgroundAt = (x, y) => {
    for (const node of document.elementsFromPoint(x, y)) {
      if (node === el || el.contains(node)) continue;
      const c = parse(getComputedStyle(node).backgroundColor);
      if (c.a > 0.5) return c;
    }
    return {r: 255, g: 255, b: 255, a: 1};
  };
  const rect = el.getBoundingClientRect();
  const gap = parseFloat(style.outlineOffset) + parseFloat(style.outlineWidth) + 1;
  const points = [[rect.left + rect.width / 2, rect.top - gap], [rect.left + rect.width / 2, rect.bottom + gap],
                  [rect.left - gap, rect.top + rect.height / 2], [rect.right + gap, rect.top + rect.height / 2]]
    .filter(([x, y]) => x >= 0 && y >= 0 && x < innerWidth && y < innerHeight);
  const rings = [parse(style.outlineColor)];
  if (style.boxShadow !== "none") rings.push(parse(style.boxShadow));
  const ratios = points.map(([x, y]) => Math.max(...rings.map(ring => ratio(ring, backgroundAt(x, y)))));
  return {what: el.outerHTML.slice(0, 90), style: style.outlineStyle, width: parseFloat(style.outlineWidth),
          body: el === document.body, worst: ratios.length ? Math.min(...ratios) : 21};
}
"""


@pytest.mark.parametrize("path", ["campaign", "dashboard", "login"])
def test_the_focus_ring_has_3_to_1_contrast_on_every_background(browser, live_server, world, path):
    user = world["lead"] if path != "login" else None
    page = new_context(browser, live_server, user=user, **DESKTOP).new_page()
    url = {
        "campaign": f"/campaigns/{world['local'].slug}/",
        "dashboard": "/chapters/st-louis-callers/dashboard/",
        "login": "/accounts/login/",
    }[path]
    page.goto(f"{live_server.url}{url}")
    if path == "campaign":
        page.locator("details.note summary").first.click()  # the note field inside it too
    page.locator("body").click(position={"x": 1, "y": 300})
    seen, problems = set(), []
    for _ in range(120):
        page.keyboard.press("Tab")
        ring = page.evaluate(CONTRAST_JS)
        if ring["body"] or ring["what"] in seen:
            continue
        seen.add(ring["what"])
        if ring["style"] == "none" or ring["width"] < 2 or ring["worst"] < 3:
            problems.append(ring)
    assert len(seen) > 10
    assert not problems, problems


def test_help_links_are_targets_of_at_least_24_px(browser, live_server, world):
    page = new_context(browser, live_server, **PHONE).new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    box = page.get_by_role("link", name="Forgot your password?").bounding_box()
    assert box["height"] >= 24
    assert box["width"] >= 24


def test_the_widget_stands_alone_at_300_px(browser, live_server, world):
    page = new_context(browser, live_server, viewport={"width": 300, "height": 400}).new_page()
    page.goto(f"{live_server.url}/campaigns/{world['national'].slug}/widget/")
    assert page.locator("main h1").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 300
    font = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert "system-ui" in font
    assert "Times" not in font
    bar = page.locator(".tally-widget-progress")
    assert bar.evaluate("el => getComputedStyle(el).backgroundColor") == "rgb(244, 246, 248)"
    assert page.locator(".tally-widget-total strong").evaluate("el => getComputedStyle(el).color") == "rgb(8, 70, 131)"
    # Its stylesheet is its own: nothing of the site's other CSS is loaded.
    sheets = page.evaluate("[...document.styleSheets].map(s => s.href)")
    assert len(sheets) == 1
    assert sheets[0].endswith("/static/css/widget.css")
    violations = Axe().run(page, options=AXE_OPTIONS).response["violations"]
    assert not violations, [v["id"] for v in violations]


def test_the_dashboard_tables_fit_a_phone(browser, live_server, world):
    world[
        "local"
    ].title = "Oppose excessive, ineffective, expensive, and discriminatory sentencing of low-level drug offenders"
    world["local"].save(update_fields=["title"])
    page = new_context(browser, live_server, user=world["lead"], **PHONE).new_page()
    page.goto(f"{live_server.url}/chapters/st-louis-callers/dashboard/")
    overflow = page.evaluate("[...document.querySelectorAll('.table-wrap')].map(w => w.scrollWidth - w.clientWidth)")
    assert overflow
    assert max(overflow) <= 0, overflow
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_refusal_answered_with_a_4xx_still_shows_in_the_live_region(browser, live_server, world):
    """A refused call (429 for too many calls, say) is the card's own answer: htmx shows it and focus goes there."""
    page, card = _campaign_page(browser, live_server, world, **DESKTOP)
    dom_id = card.get_attribute("id")
    used_key = card.locator("input[name=idempotency_key]").input_value()
    card.get_by_role("button", name="Left a voicemail").click()
    page.locator(f"#{dom_id}-status", has_text="Logged: left a voicemail").wait_for()

    def as_429(route):
        response = route.fetch()
        route.fulfill(response=response, status=429)

    page.route("**/calls/", as_429)
    # The same key with another outcome is refused by the server.
    card.locator("input[name=idempotency_key]").evaluate("(el, key) => { el.value = key; }", used_key)
    card.get_by_role("button", name="Reached a person").click()
    error = page.locator(f"#{dom_id}-status .log-error")
    error.wait_for()
    assert "already used for another call" in error.inner_text()
    expect(error).to_be_focused()
    assert CallLog.objects.filter(user=world["volunteer"]).count() == 1
