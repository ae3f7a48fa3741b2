import pytest

from campaigns.scripts import Caller, keep_chamber_blocks, render_script, unknown_placeholders
from officials.models import OfficeRole
from officials.selectors import office_entries, officials_for_zip
from tests.factories.officials import missouri_officials

CALLER = Caller(name="Val Volunteer", zip5="65101", state="MO")


@pytest.fixture
def lookup(db):
    missouri_officials()
    return officials_for_zip(zip_code="65101")


@pytest.fixture
def ag(lookup):
    return lookup.for_roles([OfficeRole.ATTORNEY_GENERAL])[0]


@pytest.fixture
def senator(lookup):
    return lookup.for_roles([OfficeRole.US_SENATE])[0]


@pytest.fixture
def representative(lookup):
    return lookup.for_roles([OfficeRole.US_HOUSE])[0]


def fill(script, official, lookup=None):
    return render_script(script, official=official, caller=CALLER, officials=lookup.entries if lookup else ())


@pytest.mark.parametrize(
    "placeholder",
    [
        "[STATE AG's NAME]",
        "[STATE AG'S NAME]",
        "[state ag’s name]",
        "[ State  AG's Name ]",
        "[STATE AGS NAME]",
        "[STATE AG NAME]",
        "[AG NAME]",
        "[AG's NAME]",
        "[ATTORNEY GENERAL NAME]",
        "[Attorney General's Name]",
        "[OFFICIAL NAME]",
        "[REP/SEN NAME]",
        "[rep / sen name]",
    ],
)
def test_every_spelling_of_the_attorney_generals_name_is_filled_in(placeholder, ag, lookup):
    result = fill(f"I demand that {placeholder} condemn it.", ag, lookup)
    assert result.text == "I demand that Catherine Hanaway condemn it."
    assert result.unknown == []


def test_senator_and_representative_names_fill_in_for_their_own_chamber(senator, representative, lookup):
    assert fill("Hello [SENATOR NAME]", senator, lookup).text == f"Hello {senator.person.name}"
    assert fill("Hello [REPRESENTATIVE NAME]", representative, lookup).text == "Hello Bob Onder"
    assert fill("Hello [Rep Name]", representative, lookup).text == "Hello Bob Onder"


def test_a_role_placeholder_for_someone_else_uses_the_callers_own_official(senator, lookup):
    result = fill("Ask [STATE AG's NAME] and [GOVERNOR NAME] too.", senator, lookup)
    assert result.text == "Ask Catherine Hanaway and Mike Kehoe too."


def test_official_title_and_last_name(ag, lookup):
    result = fill("[OFFICIAL TITLE] [OFFICIAL LAST NAME]", ag, lookup)
    assert result.text == "Attorney General of Missouri Hanaway"


def test_caller_placeholders_use_the_callers_name_city_zip_and_state(ag):
    result = fill("[YOUR NAME] from [CITY, ZIP] / [City,State] / [YOUR ZIP] / [STATE] / [your city]", ag)
    assert (
        result.text
        == "Val Volunteer from Jefferson City, 65101 / Jefferson City, MO / 65101 / Missouri / Jefferson City"
    )


def test_an_organisation_target_is_named_by_its_name(db):
    offices = missouri_officials()
    doj = office_entries(offices=[offices["doj"]])[0]
    assert fill("Dear [OFFICIAL NAME],", doj).text == "Dear U.S. Department of Justice,"


def test_unknown_placeholders_stay_visible_and_are_listed_once(ag):
    result = fill("Say [FAVOURITE COLOR] and [favourite color] and [FAVOURITE COLOR].", ag)
    assert result.text == "Say [FAVOURITE COLOR] and [favourite color] and [FAVOURITE COLOR]."
    assert result.unknown == ["[FAVOURITE COLOR]", "[favourite color]"]
    assert unknown_placeholders("[YOUR NAME] [BILL NUMBER] [STATE AG's NAME]") == ["[BILL NUMBER]"]


def test_known_placeholders_without_a_value_read_as_what_the_caller_says_never_as_brackets():
    result = render_script("I'm [YOUR NAME] at [YOUR STREET ADDRESS], calling [OFFICIAL NAME].", caller=Caller())
    assert result.text == "I'm (your name) at (your street address), calling (the official's name)."
    assert result.unknown == []
    assert "[YOUR NAME]" in result.unfilled


def test_a_place_without_a_city_reads_as_the_state(ag):
    # A ZIP the USPS list has no city for (only the district table knows it).
    caller = Caller(name="Val", zip5="", state="MO")
    result = render_script("I am writing from [CITY, STATE]. [YOUR NAME], [CITY, ZIP]", official=ag, caller=caller)
    assert result.text == "I am writing from Missouri. Val, Missouri"


def test_a_role_with_no_single_holder_reads_as_the_role(ag):
    # Without the caller's district, "your representative" rather than "[REPRESENTATIVE NAME]".
    result = render_script("Please ask [REPRESENTATIVE NAME] to act.", official=ag, caller=CALLER)
    assert result.text == "Please ask your representative to act."


def test_the_prompts_are_in_the_callers_language():
    from django.utils import translation

    with translation.override("es"):
        result = render_script("Me llamo [YOUR NAME] y llamo desde [CITY, STATE].", caller=Caller())
    assert result.text == "Me llamo (tu nombre) y llamo desde (tu ciudad)."


def test_substitution_is_plain_text_and_never_a_template_language(ag):
    result = fill("{{ settings.SECRET_KEY }} {% now 'Y' %} ${USER} [YOUR NAME]", ag)
    assert result.text == "{{ settings.SECRET_KEY }} {% now 'Y' %} ${USER} Val Volunteer"


def test_a_value_containing_brackets_is_not_substituted_again(ag):
    caller = Caller(name="[STATE AG's NAME]", zip5="65101", state="MO")
    assert render_script("I am [YOUR NAME]", official=ag, caller=caller).text == "I am [STATE AG's NAME]"


SCRIPT = """Hello, I'm [YOUR NAME].
WHEN CALLING HOUSE: Please cosponsor H.R. 1.
Thank you, Representative.

WHEN CALLING SENATE:
Please cosponsor S. 1.
when calling the senate: And vote no on cloture.

Thank you for your time."""


def test_house_blocks_are_kept_only_for_representatives(representative):
    text = fill(SCRIPT, representative).text
    assert (
        text
        == "Hello, I'm Val Volunteer.\nPlease cosponsor H.R. 1.\nThank you, Representative.\n\nThank you for your time."
    )


def test_senate_blocks_are_kept_only_for_senators_and_a_new_heading_ends_the_previous_block(senator):
    text = fill(SCRIPT, senator).text
    assert (
        text
        == "Hello, I'm Val Volunteer.\n\nPlease cosponsor S. 1.\nAnd vote no on cloture.\n\nThank you for your time."
    )


def test_chamber_blocks_are_dropped_for_officials_outside_either_chamber(ag):
    text = fill(SCRIPT, ag).text
    assert "cosponsor" not in text
    assert text == "Hello, I'm Val Volunteer.\n\nThank you for your time."


def test_a_block_ends_at_the_first_blank_line():
    script = "WHEN CALLING HOUSE: only house\n\nfor everyone"
    assert keep_chamber_blocks(script, chamber="senate") == "for everyone"
    assert keep_chamber_blocks(script, chamber="house") == "only house\n\nfor everyone"


def test_a_block_may_start_on_its_heading_line():
    assert keep_chamber_blocks("WHEN CALLING HOUSE: h\n\nWHEN CALLING SENATE: s", chamber="senate") == "s"


def test_the_example_in_the_docs_reads_as_documented(representative, lookup):
    script = (
        "Hello, my name is [YOUR NAME] from [CITY, ZIP].\n\n"
        "WHEN CALLING HOUSE: Please ask [REPRESENTATIVE NAME] to cosponsor H.R. 1.\n"
        "It has 200 cosponsors already.\n\n"
        "WHEN CALLING SENATE:\nPlease ask [SENATOR NAME] to vote no on cloture.\n\n"
        "Thank you for your time."
    )
    assert fill(script, representative, lookup).text == (
        "Hello, my name is Val Volunteer from Jefferson City, 65101.\n\n"
        "Please ask Bob Onder to cosponsor H.R. 1.\nIt has 200 cosponsors already.\n\n"
        "Thank you for your time."
    )
