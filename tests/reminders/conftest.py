import pytest

from accounts.models import User
from tests.factories.accounts import UserFactory


@pytest.fixture
def make_volunteer(db):
    """make_volunteer(email, frequency=..., verified=True, chapter=None, **fields) -> User"""
    from accounts.models import Membership
    from tests.factories.accounts import MembershipFactory

    def make(email, *, frequency=User.ReminderFrequency.WEEKLY, verified=True, chapter=None, **fields):
        user = UserFactory(email=email, reminder_frequency=frequency, verified=verified, **fields)
        if chapter is not None:
            MembershipFactory(user=user, chapter=chapter, role=Membership.Role.MEMBER)
        return user

    return make
