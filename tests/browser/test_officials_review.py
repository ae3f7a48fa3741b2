"""Staff work through what a refresh held: Needs attention, the change, Approve — in a real browser."""

import pytest

from officials.importers.common import ImportResult
from officials.importers.policy import ChangePolicy
from officials.models import ContactPoint, Office, OfficeRole, PendingChange
from tests.browser.conftest import DESKTOP, new_context
from tests.factories.officials import missouri_officials

pytestmark = pytest.mark.browser


@pytest.fixture
def held_form(db):
    missouri_officials()
    office = Office.objects.get(role=OfficeRole.GOVERNOR)
    form = ContactPoint.objects.create(
        office=office,
        kind=ContactPoint.Kind.CONTACT_FORM,
        value="https://governor.mo.gov/contact-us/mo-governor",
        label="Contact form",
        origin="curated",
    )
    policy = ChangePolicy(source="openstates", result=ImportResult(name="test"))
    policy.hold_replace(
        form,
        field="value",
        new="https://governor.mo.gov/contact-us",
        reason=policy.replace_reason(form, field="value", new="https://governor.mo.gov/contact-us"),
    )
    return form


def test_staff_open_needs_attention_and_approve_a_held_change(browser, live_server, staff_with_totp, held_form):
    context = new_context(browser, live_server, user=staff_with_totp, **DESKTOP)
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/")
    page.get_by_role("link", name="Officials: needs attention").click()
    held = page.locator("#held + table")
    assert "https://governor.mo.gov/contact-us" in held.inner_text()
    assert "curated file's row" in held.inner_text()
    held.get_by_role("link").first.click()
    page.get_by_role("button", name="Approve (apply it)").click()
    assert "Approved and applied 1 change(s)." in page.locator(".messagelist").inner_text()
    held_form.refresh_from_db()
    assert held_form.value == "https://governor.mo.gov/contact-us"
    assert PendingChange.objects.get().status == PendingChange.Status.APPROVED
    context.close()
