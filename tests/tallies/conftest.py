import pytest

from accounts.models import Membership
from tests.factories.accounts import ChapterFactory, MembershipFactory, UserFactory
from tests.factories.campaigns import ActionFactory, CampaignFactory
from tests.factories.officials import missouri_officials


@pytest.fixture
def offices(db):
    return missouri_officials()


@pytest.fixture
def national_campaign(db, offices):
    campaign = CampaignFactory(title="Oppose excessive sentencing", slug="oppose-excessive-sentencing", call_goal=10)
    ActionFactory(campaign=campaign, target_roles=["attorney_general", "us_senate"], target_offices=[offices["doj"]])
    return campaign


@pytest.fixture
def chapter_campaign(db, chapter, offices):
    campaign = CampaignFactory(title="St. Louis week of action", slug="st-louis-week", chapter=chapter, call_goal=4)
    ActionFactory(campaign=campaign, target_roles=["attorney_general"])
    return campaign


@pytest.fixture
def other_chapter(db):
    return ChapterFactory(name="Kansas City Callers", slug="kansas-city-callers", state="MO")


@pytest.fixture
def other_lead(db, other_chapter):
    user = UserFactory(email="other-lead@example.org", name="Olive Other")
    MembershipFactory(user=user, chapter=other_chapter, role=Membership.Role.LEAD)
    return user


@pytest.fixture
def other_member(db, other_chapter):
    user = UserFactory(email="other-member@example.org", name="Otto Other")
    MembershipFactory(user=user, chapter=other_chapter, role=Membership.Role.MEMBER)
    return user
