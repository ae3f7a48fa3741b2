import pytest
from django.utils import translation

from accounts.models import Membership
from tests.factories.accounts import ChapterFactory, MembershipFactory, UserFactory
from tests.factories.campaigns import ActionFactory, CampaignFactory

HEADER = "name,title,title_es,phone,phone_label,district,district_es,zips,email,external_id"
ROWS = [
    "Alex Sample,Alderperson,Concejal,314-555-0101,City Hall,Ward 1,Distrito 1,63101 63102 63103,alex@example.org,w1",
    "Jordan Example,Alderperson,Concejal,(314) 555-0102,,Ward 2,Distrito 2,63104 63118,,w2",
    "Casey Demo,Alderperson,Concejal,+1 314 555 0103,,Ward 3,Distrito 3,63104 63110,,w3",
    "Pat Placeholder,President of the Board,Presidente de la Junta,314-555-0100,,,,,,w0",
]


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English whatever an earlier test's request left active."""
    with translation.override("en"):
        yield


def csv_bytes(*rows, header=HEADER, encoding="utf-8", sep=","):
    text = "\n".join([header, *rows]) + "\n"
    if sep != ",":
        text = text.replace(",", sep)
    return text.encode(encoding)


@pytest.fixture
def chapter(db):
    return ChapterFactory(name="St. Louis Callers", slug="st-louis-callers", state="MO")


@pytest.fixture
def lead(chapter):
    user = UserFactory(email="lead@example.org", name="Lee Lead", zip_code="63103")
    MembershipFactory(user=user, chapter=chapter, role=Membership.Role.LEAD)
    return user


@pytest.fixture
def volunteer(chapter):
    user = UserFactory(email="val@example.org", name="Val Volunteer", zip_code="63103")
    MembershipFactory(user=user, chapter=chapter, role=Membership.Role.MEMBER)
    return user


@pytest.fixture
def aldermen(chapter, lead):
    from targetlists.rows import parse_csv
    from targetlists.services import target_list_import

    return target_list_import(
        chapter=chapter, parsed=parse_csv(csv_bytes(*ROWS)), user=lead, name="Board of Aldermen"
    ).target_list


def list_action(*, chapter, target_list, mode="own", **kwargs):
    campaign = CampaignFactory(chapter=chapter, title="Call your alderperson", slug="call-your-alderperson")
    return ActionFactory(
        campaign=campaign,
        target_roles=[],
        target_list=target_list,
        target_list_mode=mode,
        title="Call your alderperson",
        script="Hello [OFFICIAL TITLE] [OFFICIAL LAST NAME], I'm [YOUR NAME] from [DISTRICT].",
        script_es="Hola [OFFICIAL TITLE] [OFFICIAL LAST NAME], soy [YOUR NAME] de [DISTRICT].",
        **kwargs,
    )
