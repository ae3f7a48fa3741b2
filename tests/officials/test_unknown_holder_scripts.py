"""Scripts never show a blank name: with no known holder, a placeholder naming the person names the office.

The Alaska governor's and attorney general's terms end 2026-12-07 in the real data and no source
names a successor yet: on 2026-12-08 the page, the API's filled scripts and the preview say "the
Governor of Alaska" / "el Gobernador de Alaska" where the name would be.
"""

import datetime

import pytest
from django.urls import reverse

from campaigns.scripts import render_script
from officials.importers import import_divisions, import_state_executives
from officials.models import OfficeRole
from officials.selectors import officials_for_zip
from tests.factories.accounts import UserFactory
from tests.factories.campaigns import ActionFactory, CampaignFactory

JUNEAU = "99801"
FIRST_DAY_AFTER = datetime.date(2026, 12, 8)
ES = {"accept-language": "es"}
SCRIPT = "[GOVERNOR's NAME] must act. I ask [STATE AG's NAME] and [OFFICIAL NAME] to speak out."
SCRIPT_ES = "¿Va a actuar [GOVERNOR's NAME]? Pido a [STATE AG's NAME] que hable."


@pytest.fixture(autouse=True)
def _english_afterwards():
    # The test client leaves the last request's language active in this thread.
    yield
    from django.utils import translation

    translation.activate("en")


@pytest.fixture
def alaska_after_the_end(db, shared_data, travel):
    travel(datetime.date(2026, 11, 29))
    executives = shared_data / "state-executives"
    import_divisions(source=shared_data / "ocd-divisions")
    import_state_executives(
        source=executives / "state-executives.csv",
        governor_updates=executives / "governor-updates-pr3367-unmerged.csv",
    )
    travel(FIRST_DAY_AFTER)
    campaign = CampaignFactory(title="Alaska", title_es="Alaska")
    action = ActionFactory(
        campaign=campaign,
        title="Call your governor",
        target_roles=[OfficeRole.GOVERNOR],
        script=SCRIPT,
        script_es=SCRIPT_ES,
        voicemail_script="Please tell [GOV NAME] I called.",
    )
    return action


def test_the_render_names_the_office_in_the_scripts_language(alaska_after_the_end):
    lookup = officials_for_zip(zip_code=JUNEAU, use_cache=False)
    governor = lookup.for_roles([OfficeRole.GOVERNOR])[0]
    assert governor.person is None
    english = render_script(SCRIPT, official=governor, officials=lookup.entries, language="en")
    assert english.text == (
        "The Governor of Alaska must act. I ask the Attorney General of Alaska and the Governor of Alaska to speak out."
    )
    assert english.unfilled == []
    spanish = render_script(SCRIPT_ES, official=governor, officials=lookup.entries, language="es")
    assert spanish.text == "¿Va a actuar el Gobernador de Alaska? Pido al Fiscal General de Alaska que hable."


def test_the_campaign_page_names_the_office_in_english_and_spanish(alaska_after_the_end, client):
    action = alaska_after_the_end
    client.force_login(UserFactory(zip_code=JUNEAU, state="AK"))
    url = reverse("campaigns:detail", args=[action.campaign.slug])
    html = client.get(url, headers={"accept-language": "en"}).content.decode()
    assert "The Governor of Alaska must act. I ask the Attorney General of Alaska" in html
    assert "Please tell the Governor of Alaska I called." in html
    assert "[GOVERNOR" not in html
    assert "[STATE AG" not in html
    spanish = client.get(url, headers=ES).content.decode()
    assert "¿Va a actuar el Gobernador de Alaska? Pido al Fiscal General de Alaska que hable." in spanish
    assert "[GOVERNOR" not in spanish


def test_the_apis_filled_scripts_name_the_office(alaska_after_the_end, token_client):
    action = alaska_after_the_end
    api = token_client(UserFactory(zip_code=JUNEAU, state="AK"))
    url = f"/api/v1/campaigns/{action.campaign.slug}/targets/?zip={JUNEAU}"
    (target,) = api.get(url).json()["actions"][0]["targets"]
    assert target["script"].startswith("The Governor of Alaska must act.")
    assert target["voicemail_script"] == "Please tell the Governor of Alaska I called."
    (target,) = api.get(url, headers=ES).json()["actions"][0]["targets"]
    assert target["script"] == "¿Va a actuar el Gobernador de Alaska? Pido al Fiscal General de Alaska que hable."


def test_before_the_end_the_name_is_used(alaska_after_the_end, travel):
    travel(datetime.date(2026, 12, 7))
    lookup = officials_for_zip(zip_code=JUNEAU, use_cache=False)
    governor = lookup.for_roles([OfficeRole.GOVERNOR])[0]
    assert render_script(SCRIPT, official=governor, officials=lookup.entries).text.startswith("Mike Dunleavy must act.")
