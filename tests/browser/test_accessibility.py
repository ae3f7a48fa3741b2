"""axe-core over every page and state a visitor, a volunteer, a chapter lead and staff see, at a phone's
width and a desktop's, under the site's own security headers: any axe violation, and any Content
Security Policy violation in the console, fails the test.

axe-core is the copy inside the axe-playwright-python wheel, so nothing is downloaded at run time.
"""

import datetime as dt
from dataclasses import dataclass, field

import pytest
from allauth.account.models import EmailAddress
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone

from accounts.join_links import chapter_join_token_make
from rally.models import Invitation
from reminders.tokens import unsubscribe_token_make
from tests.factories.campaigns import ActionFactory

from .conftest import AXE_OPTIONS, DESKTOP, PHONE, new_context

VIEWPORTS = {"phone": PHONE, "desktop": DESKTOP}


@dataclass
class Findings:
    problems: list[str] = field(default_factory=list)

    def report(self) -> str:
        return f"{len(self.problems)} problem(s):\n" + "\n".join(self.problems)


def _watch_csp(page, sink: list[str]) -> None:
    def on_console(msg):
        if "Content Security Policy" in msg.text or "Content-Security-Policy" in msg.text:
            sink.append(msg.text)

    page.on("console", on_console)


def check(page, name: str, findings: Findings, csp: list[str], *, axe: bool = True) -> None:
    """axe over the page as it is now, plus any CSP violation logged since the last check."""
    page.wait_for_load_state("networkidle")
    for text in csp:
        findings.problems.append(f"[{name}] CSP violation: {text}")
    csp.clear()
    if not axe:
        return
    results = Axe().run(page, options=AXE_OPTIONS)
    for violation in results.response["violations"]:
        targets = "; ".join(", ".join(node["target"]) for node in violation["nodes"][:5])
        findings.problems.append(f"[{name}] axe {violation['id']} ({violation['impact']}): {targets}")


def visit(page, live_server, path: str, name: str, findings: Findings, csp: list[str], *, axe: bool = True) -> None:
    response = page.goto(f"{live_server.url}{path}")
    assert response is not None, f"{name}: {path} did not load"
    assert response.status < 500, f"{name}: {path} answered {response.status}"
    check(page, name, findings, csp, axe=axe)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", list(VIEWPORTS))
def test_a_visitor_sees_no_axe_or_csp_violation(browser, live_server, world, width):
    findings, csp = Findings(), []
    page = new_context(browser, live_server, **VIEWPORTS[width]).new_page()
    _watch_csp(page, csp)
    national = world["national"]
    # A photo that fails to load is removed by a static script (it used to be an inline onerror handler).
    hanaway = world["offices"]["attorney_general"].terms.get().person
    hanaway.photo_url = f"{live_server.url}/static/no-such-photo.jpg"
    hanaway.save(update_fields=["photo_url"])
    for path, name in [
        ("/", "home"),
        ("/campaigns/", "campaign list"),
        (f"/campaigns/{national.slug}/", "campaign page, signed out"),
        (f"/campaigns/{national.slug}/widget/", "widget"),
        ("/officials/", "officials lookup"),
        ("/officials/?zip=65101", "officials for 65101"),
        ("/officials/?zip=63103", "officials for a split ZIP"),
        ("/accounts/login/", "log in"),
        ("/accounts/signup/", "sign up"),
        ("/accounts/password/reset/", "password reset"),
        ("/accounts/password/reset/done/", "password reset sent"),
        ("/accounts/confirm-email/", "verification sent"),
        (f"/reminders/unsubscribe/{unsubscribe_token_make(user_id=world['volunteer'].pk)}/", "unsubscribe"),
        ("/reminders/unsubscribe/not-a-token/", "unsubscribe, bad link"),
        ("/chapters/join/not-a-token/", "join, bad link"),
        ("/no-such-page/", "not found"),
    ]:
        visit(page, live_server, path, f"{width} {name}", findings, csp)
        if name == "officials for 65101":
            assert page.locator("img[data-remove-on-error]").count() == 0, "the broken photo is still shown"

    # Not our markup (Swagger UI): checked for CSP violations only.
    visit(page, live_server, "/api/docs/", f"{width} API docs", findings, csp, axe=False)
    page.wait_for_selector(".swagger-ui .info")

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", "val@example.org")
    page.fill("input[name=password]", "wrong password")
    page.locator("form").filter(has=page.locator("input[name=password]")).locator("button[type=submit]").click()
    check(page, f"{width} log in, wrong password", findings, csp)
    assert not findings.problems, findings.report()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", list(VIEWPORTS))
def test_a_volunteer_sees_no_axe_or_csp_violation(browser, live_server, world, width):
    findings, csp = Findings(), []
    volunteer, national = world["volunteer"], world["national"]
    # The district question is asked only by a campaign that calls a representative.
    ActionFactory(
        campaign=national,
        title="Call your representative",
        target_roles=["us_house"],
        script="Please ask [REPRESENTATIVE NAME] to act.",
    )
    page = new_context(browser, live_server, user=volunteer, **VIEWPORTS[width]).new_page()
    _watch_csp(page, csp)
    campaign_url = f"/campaigns/{national.slug}/"

    visit(page, live_server, campaign_url, f"{width} campaign page, no ZIP yet", findings, csp)
    page.get_by_label("Your ZIP code").fill("00000")
    page.get_by_role("button", name="Find my officials").click()
    check(page, f"{width} campaign page, unknown ZIP", findings, csp)
    page.get_by_label("Your ZIP code").fill("63103")
    page.get_by_role("button", name="Find my officials").click()
    check(page, f"{width} campaign page, split-ZIP chooser", findings, csp)
    page.get_by_label("Missouri's 1st district").check()
    page.get_by_role("button", name="Save my district").click()
    check(page, f"{width} campaign page with officials", findings, csp)

    card = page.locator(".target", has_text="Catherine Hanaway")
    card.get_by_text("Add a note").click()
    card.get_by_label("What did they say?").fill("Staffer took my name")
    card.get_by_role("button", name="Left a voicemail").click()
    card.locator(".log-status", has_text="Logged: left a voicemail").wait_for()
    check(page, f"{width} campaign page after a log", findings, csp)

    # A change of address waiting for its confirmation: allauth's page has a hidden form for it.
    EmailAddress.objects.create(user=volunteer, email="volunteer.next@example.org", verified=False, primary=False)
    for path, name in [
        ("/campaigns/", "campaign list"),
        ("/officials/", "my officials"),
        ("/me/impact/", "my impact"),
        ("/chapters/", "my chapters"),
        ("/chapters/st-louis-callers/", "chapter page"),
        (f"/chapters/join/{chapter_join_token_make(chapter=world['chapter'])}/", "join a chapter"),
        ("/profile/", "profile"),
        ("/profile/tokens/", "API tokens"),
        ("/profile/delete/", "delete account"),
        (
            f"/officials/contact-points/{world['offices']['attorney_general'].contact_points.first().pk}/report/",
            "report a wrong number",
        ),
        ("/accounts/email/", "email addresses"),
        ("/accounts/password/change/", "change password"),
        ("/accounts/2fa/", "two-factor"),
        ("/accounts/2fa/totp/activate/", "set up TOTP"),
        ("/accounts/logout/", "log out"),
    ]:
        visit(page, live_server, path, f"{width} {name}", findings, csp)

    page.goto(f"{live_server.url}/profile/tokens/")
    page.locator("input[name=name]").fill("My phone")
    page.locator("form", has=page.locator("input[name=name]")).locator("button[type=submit]").click()
    check(page, f"{width} API token created", findings, csp)
    assert not findings.problems, findings.report()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", list(VIEWPORTS))
def test_a_lead_and_staff_see_no_axe_or_csp_violation(browser, live_server, world, staff_with_totp, width):
    findings, csp = Findings(), []
    local, draft = world["local"], world["draft"]
    page = new_context(browser, live_server, user=world["lead"], **VIEWPORTS[width]).new_page()
    _watch_csp(page, csp)
    # Invitations with long addresses: at a phone's width the table scrolls inside its own region.
    for n in range(3):
        Invitation.objects.create(
            chapter=world["chapter"],
            email=f"a.rather.long.address.{n}@a-long-domain-name.example.org",
            expires_at=timezone.now() + dt.timedelta(days=14),
        )
    for path, name in [
        (f"/chapters/st-louis-callers/rally/{local.slug}/", "rally"),
        ("/chapters/st-louis-callers/invitations/", "invitations"),
        ("/chapters/st-louis-callers/", "chapter page, lead"),
        ("/chapters/st-louis-callers/members/", "members"),
        ("/chapters/st-louis-callers/dashboard/", "chapter dashboard"),
        ("/chapters/st-louis-callers/dashboard/?start=2030-01-02&end=2030-01-01", "dashboard, bad range"),
        ("/campaigns/manage/", "manage campaigns"),
        ("/campaigns/manage/new/", "new campaign"),
        (f"/campaigns/{draft.slug}/edit/", "edit campaign"),
        (f"/campaigns/{draft.slug}/actions/new/", "new action"),
        (f"/campaigns/{local.slug}/preview/", "preview"),
        (f"/campaigns/{draft.slug}/", "draft campaign page"),
    ]:
        visit(page, live_server, path, f"{width} {name}", findings, csp)

    page.goto(f"{live_server.url}/campaigns/manage/new/")
    page.locator("form.authoring-form button[type=submit], main form button[type=submit]").last.click()
    check(page, f"{width} new campaign, empty form", findings, csp)

    staff = new_context(browser, live_server, user=staff_with_totp, **VIEWPORTS[width]).new_page()
    _watch_csp(staff, csp)
    visit(staff, live_server, "/staff/dashboard/", f"{width} staff dashboard", findings, csp)
    # Django's admin is not our markup: checked for CSP violations only.
    for path in ("/admin/", "/admin/campaigns/campaign/", f"/admin/campaigns/campaign/{local.pk}/change/"):
        visit(staff, live_server, path, f"{width} admin {path}", findings, csp, axe=False)
    assert not findings.problems, findings.report()
