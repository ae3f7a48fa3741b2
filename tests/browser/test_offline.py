"""The call page on a bad connection, in Debian's Chromium at phone width: installable, readable
offline from the service worker's copy, and no tap lost while the network is down.

Playwright's `set_offline` does not reach a service worker's own requests, so going offline here
also aborts every request the worker makes (with PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS,
routes see them): the page, the worker and the API are all cut off, as on a phone in a tunnel.
"""

import struct
from datetime import timedelta
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import expect

from tallies.models import CallLog, Outcome, Source
from tests.factories.tallies import CallLogFactory

from .conftest import AXE_OPTIONS, CHROMIUM_ARGS, PHONE, session_cookie

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STATIC = Path(__file__).resolve().parents[2] / "static"
WORDS = {
    "en": {
        "offline_copy": "Offline: showing the version from",
        "saved": "Saved on this phone; will be sent when you're back online.",
        "two_waiting": "2 calls saved on this phone, waiting to be sent",
        "sent": "Sent: your saved call was logged",
        "voicemail": "Left a voicemail",
        "busy": "Busy or no answer",
    },
    "es": {
        "offline_copy": "Sin conexión: se muestra la versión del",
        "saved": "Guardada en este teléfono; se enviará cuando vuelvas a tener conexión.",
        "two_waiting": "2 llamadas guardadas en este teléfono, esperando para enviarse",
        "sent": "Enviada: tu llamada guardada se registró",
        "voicemail": "Dejé un mensaje de voz",
        "busy": "Ocupado o sin respuesta",
    },
}


@pytest.fixture
def browser(monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    # Lets routes see (and abort) the service worker's own requests.
    monkeypatch.setenv("PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS", "1")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _cut(route):
    route.abort("internetdisconnected")


def go_offline(context):
    context.set_offline(True)
    context.route("**/*", _cut)


def go_online(context):
    context.unroute("**/*", _cut)
    context.set_offline(False)


def _volunteer_page(browser, live_server, world, language="en"):
    volunteer = world["volunteer"]
    volunteer.zip_code, volunteer.state, volunteer.language = "65101", "MO", language
    volunteer.save(update_fields=["zip_code", "state", "language"])
    context = browser.new_context(service_workers="allow", locale=f"{language}-US", **PHONE)
    context.add_cookies([session_cookie(volunteer, live_server)])
    page = context.new_page()
    url = f"{live_server.url}/campaigns/{world['national'].slug}/"
    page.goto(url)
    return context, page, url


def _wait_until_kept(page, url):
    """The service worker controls the page and has a copy of it for offline reading."""
    for _ in range(100):
        kept = page.evaluate(
            """async (url) => {
                if (!navigator.serviceWorker.controller) { await navigator.serviceWorker.ready; }
                const cache = await caches.open('pages');
                return !!(await cache.match(url, {ignoreVary: true}));
            }""",
            url,
        )
        if kept:
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"the service worker never kept {url}")


def _ag_card(page):
    return page.locator(".target", has_text="Catherine Hanaway").first


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path.name} is not a PNG"
    return struct.unpack(">II", data[16:24])


def test_installable_a_manifest_with_real_icons_and_a_service_worker_that_controls_the_page(
    browser, live_server, world
):
    context, page, url = _volunteer_page(browser, live_server, world)
    manifest_href = page.locator("link[rel=manifest]").get_attribute("href")
    assert page.locator("meta[name=theme-color]").get_attribute("content") == "#0b5cad"
    manifest = page.request.get(f"{live_server.url}{manifest_href}")
    assert manifest.headers["content-type"].startswith("application/manifest+json")
    data = manifest.json()
    # What Chromium's install criteria ask of a manifest.
    assert data["name"]
    assert data["short_name"]
    assert data["display"] == "standalone"
    assert data["start_url"] == "/campaigns/"
    assert data["theme_color"] == "#0b5cad"
    sizes = {icon["sizes"] for icon in data["icons"] if icon["purpose"] == "any"}
    assert {"192x192", "512x512"} <= sizes
    assert any(icon["purpose"] == "maskable" for icon in data["icons"])
    for icon in data["icons"]:
        answer = page.request.get(f"{live_server.url}{icon['src']}")
        assert answer.ok
        assert answer.headers["content-type"] == "image/png"
        name = icon["src"].rsplit("/", 1)[-1]
        width, height = _png_size(STATIC / "icons" / name)
        assert f"{width}x{height}" == icon["sizes"]

    _wait_until_kept(page, url)
    page.reload()
    registration = page.evaluate(
        """async () => {
            const reg = await navigator.serviceWorker.getRegistration('/');
            return {scope: reg.scope, script: reg.active.scriptURL, controlled: !!navigator.serviceWorker.controller};
        }"""
    )
    assert registration == {"scope": f"{live_server.url}/", "script": f"{live_server.url}/sw.js", "controlled": True}
    context.close()


@pytest.mark.parametrize("language", ["en", "es"])
def test_offline_a_kept_call_page_reads_and_two_taps_are_stored_once_when_back_online(
    browser, live_server, world, language
):
    words = WORDS[language]
    office = world["offices"]["attorney_general"]
    context, page, url = _volunteer_page(browser, live_server, world, language)
    csp_errors = []
    page.on("console", lambda m: csp_errors.append(m.text) if "Content Security Policy" in m.text else None)
    _wait_until_kept(page, url)

    go_offline(context)
    page.reload()
    notice = page.locator("#offline-notice")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text(words["offline_copy"])
    card = _ag_card(page)
    # The script, already filled for this caller's attorney general, reads with no network.
    expect(card.locator(".script-text")).to_contain_text("Catherine Hanaway")

    before_taps = timezone.now()
    card.get_by_role("button", name=words["voicemail"]).click()
    expect(card.locator(".log-status")).to_have_text(words["saved"])
    card.get_by_role("button", name=words["busy"]).click()
    expect(page.locator("#offline-queue")).to_have_text(words["two_waiting"])
    after_taps = timezone.now()
    assert not CallLog.objects.filter(office=office, user=world["volunteer"]).exists()
    results = Axe().run(page, options=AXE_OPTIONS)
    assert results.violations_count == 0, results.generate_report()

    page.wait_for_timeout(1200)  # so that the tap's time and the send's time can be told apart
    sync_started = timezone.now()
    go_online(context)
    expect(card.locator(".log-status")).to_contain_text(words["sent"])
    expect(page.locator("#offline-queue")).to_be_hidden()

    calls = list(CallLog.objects.filter(office=office, user=world["volunteer"]).order_by("client_timestamp"))
    assert [call.outcome for call in calls] == [Outcome.VOICEMAIL, Outcome.BUSY]
    assert {call.source for call in calls} == {Source.BATCH}
    # The time of each tap, not of the send.
    for call in calls:
        assert before_taps - timedelta(seconds=1) <= call.client_timestamp <= after_taps + timedelta(seconds=1)
        assert call.client_timestamp < sync_started
    assert len({call.idempotency_key for call in calls}) == 2
    assert csp_errors == []
    context.close()


def test_a_send_whose_answer_is_lost_is_retried_and_still_logged_once(browser, live_server, world):
    office = world["offices"]["attorney_general"]
    context, page, url = _volunteer_page(browser, live_server, world)
    _wait_until_kept(page, url)
    go_offline(context)
    page.reload()
    _ag_card(page).get_by_role("button", name="Reached a person").click()
    expect(page.locator("#offline-queue")).to_be_visible()

    # The server gets the batch and logs it, but the answer never reaches the phone.
    lost = []

    def lose_the_answer(route):
        route.fetch()
        lost.append(route.request.url)
        route.abort("connectionreset")

    context.route("**/api/v1/calls/batch/", lose_the_answer)
    go_online(context)
    for _ in range(100):
        if lost:
            break
        page.wait_for_timeout(100)
    assert lost, "the queue was never sent"
    assert CallLog.objects.filter(office=office, user=world["volunteer"]).count() == 1
    expect(page.locator("#offline-queue")).to_be_visible()  # still waiting: no answer came

    context.unroute("**/api/v1/calls/batch/", lose_the_answer)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(_ag_card(page).locator(".log-status")).to_contain_text("Sent: your saved call was logged")
    assert CallLog.objects.filter(office=office, user=world["volunteer"]).count() == 1
    context.close()


def test_a_queued_call_is_judged_like_a_live_one_and_its_refusal_shown_in_words(browser, live_server, world):
    office = world["offices"]["attorney_general"]
    volunteer = world["volunteer"]
    campaign = world["national"]
    action = campaign.actions.get(kind="call")
    context, page, url = _volunteer_page(browser, live_server, world)
    _wait_until_kept(page, url)
    # Logged elsewhere (another phone) after this page was kept: the kept page still offers the buttons.
    for _ in range(3):
        CallLogFactory(user=volunteer, campaign=campaign, action=action, office=office, outcome=Outcome.BUSY)
    go_offline(context)
    page.reload()
    _ag_card(page).get_by_role("button", name="Left a voicemail").click()
    go_online(context)
    status = _ag_card(page).locator(".log-status")
    expect(status).to_contain_text("was not logged")
    expect(status).to_contain_text("3")
    assert CallLog.objects.filter(office=office, user=volunteer).count() == 3
    context.close()


def test_a_call_kept_more_than_seven_days_is_not_sent(browser, live_server, world):
    office = world["offices"]["attorney_general"]
    context, page, url = _volunteer_page(browser, live_server, world)
    card_id = _ag_card(page).get_attribute("id")
    form = _ag_card(page).locator("form.log-form")
    item = {
        "idempotency_key": "old-tap-1",
        "user": page.locator("meta[name=offline-user]").get_attribute("content"),
        "campaign": world["national"].slug,
        "action": int(form.locator("input[name=action]").get_attribute("value")),
        "office": office.pk,
        "outcome": "voicemail",
        "outcome_label": "Left a voicemail",
        "note": "",
        "client_timestamp": (timezone.now() - timedelta(days=8)).isoformat(),
        "dom_id": card_id,
    }
    page.evaluate(
        """(item) => new Promise((resolve, reject) => {
            const open = indexedDB.open('advocacy-offline', 1);
            open.onupgradeneeded = () => open.result.createObjectStore('calls', {keyPath: 'idempotency_key'});
            open.onsuccess = () => {
                const tx = open.result.transaction('calls', 'readwrite');
                tx.objectStore('calls').put(item);
                tx.oncomplete = () => { open.result.close(); resolve(); };
                tx.onerror = () => reject(tx.error);
            };
        })""",
        item,
    )
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(_ag_card(page).locator(".log-status")).to_contain_text("saved more than 7 days ago")
    expect(page.locator("#offline-queue")).to_be_hidden()
    assert not CallLog.objects.filter(office=office).exclude(user=world["lead"]).exists()
    context.close()


def test_signing_out_clears_the_kept_pages_and_the_service_worker(browser, live_server, world):
    context, page, url = _volunteer_page(browser, live_server, world)
    _wait_until_kept(page, url)
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(lambda u: "/campaigns/" not in u or "login" in u)
    page.wait_for_load_state()
    state = page.evaluate(
        """async () => ({
            caches: await caches.keys(),
            workers: (await navigator.serviceWorker.getRegistrations()).length,
        })"""
    )
    assert state == {"caches": [], "workers": 0}
    assert page.locator("meta[name=offline-user]").count() == 0

    go_offline(context)
    with pytest.raises(Exception, match="ERR_INTERNET_DISCONNECTED"):
        page.goto(url)
    context.close()


def test_a_signed_out_visitor_gets_no_service_worker_and_nothing_kept(browser, live_server, world):
    context = browser.new_context(service_workers="allow", **PHONE)
    page = context.new_page()
    response = page.goto(f"{live_server.url}/campaigns/{world['national'].slug}/")
    assert "x-offline-cache" not in response.headers
    page.wait_for_timeout(500)
    assert page.evaluate("navigator.serviceWorker.getRegistrations().then(r => r.length)") == 0
    context.close()
