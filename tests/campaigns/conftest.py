import pytest

from campaigns.services import campaign_demo_create
from tests.factories.officials import missouri_officials


@pytest.fixture
def mo(db):
    return missouri_officials()


@pytest.fixture
def demo(mo):
    return campaign_demo_create(chapter=None)


@pytest.fixture
def call_action(demo):
    return demo.actions.get(kind="call")


@pytest.fixture
def write_action(demo):
    return demo.actions.get(kind="write")
