"""`make run`'s demo: a made-up St. Louis Board of Aldermen (555 numbers, marked as sample data) and an action using it."""

from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import User
from campaigns.selectors import campaign_targets
from targetlists.demo import DEMO_LIST_NAME
from targetlists.models import TargetList, TargetListMember

pytestmark = pytest.mark.django_db


def test_load_demo_loads_the_sample_list_and_its_campaign_once(settings, tmp_path):
    settings.OFFICIALS_DATA_DIR = tmp_path / "nothing-here"
    out = StringIO()
    call_command("load_demo", stdout=out)
    call_command("load_demo", stdout=StringIO())
    assert "Target list demo (sample data, 555 numbers)" in out.getvalue()
    target_list = TargetList.objects.get()
    assert target_list.name == DEMO_LIST_NAME
    assert target_list.is_sample
    assert TargetListMember.objects.count() == 7
    phones = {cp.value for m in TargetListMember.objects.all() for cp in m.office.contact_points.all()}
    assert all(p.startswith("+1314555") for p in phones)
    action = target_list.actions.get()
    assert action.target_list_mode == "own"
    assert action.campaign.chapter == target_list.chapter
    lead = User.objects.get(email="lead@example.org")  # ZIP 63103
    targets = campaign_targets(campaign=action.campaign, user=lead).actions[0].targets
    assert [t.entry.person.name for t in targets] == ["Pat Placeholder", "Alex Sample"]
    assert "I live in Ward 1" in targets[1].script.text
