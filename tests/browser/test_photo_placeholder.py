"""A photo that fails to load (or is absent) shows the official's initials, never a broken image."""

from pathlib import Path

import pytest

from campaigns.services import campaign_demo_create
from officials.models import Person
from tests.browser.test_campaign_flow import sign_in
from tests.factories.accounts import UserFactory
from tests.factories.officials import missouri_officials

ARTIFACTS = Path(__file__).resolve().parent.parent.parent / "test-artifacts"
# A 1x1 PNG: a photo that loads, without the network.
PIXEL = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
BROKEN_IMAGES = "[...document.images].filter(i => i.complete && i.naturalWidth === 0).length"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_photo_that_fails_or_is_absent_shows_initials_on_the_lookup_and_call_pages(browser, live_server):
    missouri_officials()
    # The Missouri attorney general's photo URL answers 404; a senator's loads; the other has none.
    Person.objects.filter(name="Catherine Hanaway").update(photo_url=f"{live_server.url}/static/no-such-photo.jpg")
    Person.objects.filter(name="Josh Hawley").update(photo_url=PIXEL)
    Person.objects.filter(name="Eric Schmitt").update(photo_url="")
    campaign = campaign_demo_create(chapter=None)
    user = UserFactory(email="photos@example.org", zip_code="65101", state="MO")
    ARTIFACTS.mkdir(exist_ok=True)

    page = browser.new_page(viewport={"width": 1200, "height": 4000})
    page.goto(f"{live_server.url}/officials/?zip=65101")
    page.wait_for_load_state("networkidle")
    assert page.evaluate(BROKEN_IMAGES) == 0

    ag = page.locator(".official", has_text="Catherine Hanaway")
    assert ag.locator("img").count() == 0  # the failed photo was removed
    assert ag.locator(".photo-initials").inner_text() == "CH"
    assert ag.locator(".photo-initials").is_visible()
    senator = page.locator(".official", has_text="Josh Hawley")
    assert senator.locator("img").evaluate("img => img.naturalWidth") == 1
    assert senator.locator("img").is_visible()
    assert page.locator(".official", has_text="Eric Schmitt").locator(".photo-initials").inner_text() == "ES"
    # Decorative: the name is the card's heading, so screen readers are not read the initials.
    assert ag.locator(".photo").get_attribute("aria-hidden") == "true"
    page.screenshot(path=str(ARTIFACTS / "lookup-photo-placeholders.png"), full_page=True)

    sign_in(page, live_server, user.email, "correct horse battery staple")
    page.goto(f"{live_server.url}/campaigns/{campaign.slug}/")
    page.wait_for_load_state("networkidle")
    assert page.evaluate(BROKEN_IMAGES) == 0
    card = page.locator(".target", has_text="Catherine Hanaway")
    assert card.locator(".photo-initials").inner_text() == "CH"
    assert card.locator(".photo-initials").is_visible()
    assert card.locator("img").count() == 0
    page.screenshot(path=str(ARTIFACTS / "campaign-photo-placeholder.png"), full_page=True)
