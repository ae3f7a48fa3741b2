"""A first-timer's ZIP at a phone's width, in English and Spanish: an unknown ZIP is refused at the
field (announced, focused, in view) while the card stops naming the old ZIP; the note sits above the
outcome buttons it goes with; the district question waits beside "Change ZIP code"."""

import pytest

from tests.factories.campaigns import ActionFactory

from .conftest import PHONE, new_context

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WORDS = {
    "en": {
        "zip": "Your ZIP code",
        "save": "Save",
        "change": "Change ZIP code",
        "unknown": "00000 is not a US ZIP code",
        "known": "Your officials for ZIP",
        "note": "Add a note",
    },
    "es": {
        "zip": "Tu código postal",
        "save": "Guardar",
        "change": "Cambiar el código postal",
        "unknown": "00000 no es un código postal de EE. UU.",
        "known": "Tus representantes para el código postal",
        "note": "Añadir una nota",
    },
}


@pytest.mark.parametrize("language", ["en", "es"])
def test_an_unknown_zip_is_refused_at_the_field_and_the_card_stops_naming_the_old_one(
    browser, live_server, world, language
):
    words = WORDS[language]
    volunteer = world["volunteer"]
    volunteer.zip_code, volunteer.state, volunteer.language = "65101", "MO", language
    volunteer.save(update_fields=["zip_code", "state", "language"])
    page = new_context(browser, live_server, user=volunteer, **PHONE).new_page()
    page.goto(f"{live_server.url}/campaigns/{world['national'].slug}/")
    location = page.locator("#location")
    assert words["known"] in location.inner_text()

    location.get_by_text(words["change"]).click()
    location.get_by_label(words["zip"]).fill("00000")
    location.get_by_role("button", name=words["save"], exact=True).click()
    page.wait_for_load_state()

    error = page.locator("#id_zip_code_error")
    assert words["unknown"] in error.inner_text()
    assert error.get_attribute("role") == "alert"
    field = page.locator("#id_zip_code")
    assert field.get_attribute("aria-describedby") == "id_zip_code_error"
    assert field.get_attribute("aria-invalid") == "true"
    assert page.evaluate("document.activeElement.id") == "id_zip_code"
    # Next to the field and on screen: not a message at the top of the page.
    field_box, error_box = field.bounding_box(), error.bounding_box()
    assert 0 <= error_box["y"] - (field_box["y"] + field_box["height"]) < 120
    assert error_box["y"] + error_box["height"] <= PHONE["viewport"]["height"]
    assert words["known"] not in page.locator("#location").inner_text()
    volunteer.refresh_from_db()
    assert volunteer.zip_code == "65101"


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_note_comes_before_the_outcome_buttons(browser, live_server, world, language):
    volunteer = world["volunteer"]
    volunteer.zip_code, volunteer.state, volunteer.language = "65101", "MO", language
    volunteer.save(update_fields=["zip_code", "state", "language"])
    page = new_context(browser, live_server, user=volunteer, **PHONE).new_page()
    page.goto(f"{live_server.url}/campaigns/{world['national'].slug}/")
    card = page.locator(".target", has_text="Catherine Hanaway")
    note = card.locator("details.note summary")
    assert WORDS[language]["note"] in note.inner_text()
    first_button = card.locator("button.outcome").first
    assert note.bounding_box()["y"] < first_button.bounding_box()["y"]


def test_the_district_question_waits_beside_change_zip_and_only_where_a_representative_is_called(
    browser, live_server, world
):
    volunteer = world["volunteer"]
    volunteer.zip_code, volunteer.state = "63103", "MO"
    volunteer.save(update_fields=["zip_code", "state"])
    page = new_context(browser, live_server, user=volunteer, **PHONE).new_page()
    page.goto(f"{live_server.url}/campaigns/{world['national'].slug}/")
    location = page.locator("#location")
    # The demo campaign calls attorneys general only: a split ZIP changes nothing for it.
    assert "Which district do you live in?" not in location.inner_text()
    assert "Your officials for ZIP 63103" in location.inner_text()

    ActionFactory(campaign=world["national"], target_roles=["us_house"], script="Ask [REPRESENTATIVE NAME].")
    page.reload()
    assert "Which district do you live in?" in location.inner_text()
    location.get_by_text("Change ZIP code").click()
    location.get_by_label("Your ZIP code").fill("65101")
    location.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_load_state()
    assert "Your officials for ZIP 65101" in page.locator("#location").inner_text()
