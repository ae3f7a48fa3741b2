import pytest

from accounts.models import Membership
from tests.factories.accounts import MembershipFactory, UserFactory
from tests.factories.campaigns import ActionFactory, CampaignFactory
from tests.factories.officials import missouri_officials


@pytest.fixture
def offices(db):
    return missouri_officials()


@pytest.fixture
def campaign(db, chapter, offices):
    campaign = CampaignFactory(title="St. Louis week of action", slug="st-louis-week", chapter=chapter)
    ActionFactory(campaign=campaign, target_roles=["attorney_general"])
    return campaign


@pytest.fixture
def make_member(db, chapter):
    """make_member(email, **user fields) -> a verified member of the chapter."""

    def make(email, *, verified=True, **fields):
        user = UserFactory(email=email, verified=verified, **fields)
        MembershipFactory(user=user, chapter=chapter, role=Membership.Role.MEMBER)
        return user

    return make
