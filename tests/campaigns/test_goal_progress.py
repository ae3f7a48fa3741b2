"""One rule for "what percentage of its goal": the list, the page, the widget, the dashboard and the API agree.

Before, the campaign list showed 1% for 3 calls of 1,000 and the widget and dashboard 0%; and
999 of 1,000 showed 100% everywhere. The rule (Campaign.goal_percent): a sliver for the first
calls, 100 only when the goal is met.
"""

import pytest
from django.utils import timezone

from campaigns.models import Campaign
from tallies.models import CallLog, Outcome, Source
from tests.factories.campaigns import ActionFactory, CampaignFactory
from tests.factories.officials import missouri_officials

GOAL = 1_000
EXPECTED = {0: 0, 1: 1, 3: 1, 999: 99, 1_000: 100}

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(chapter):
    offices = missouri_officials()
    campaign = CampaignFactory(title="A thousand calls", slug="a-thousand-calls", call_goal=GOAL)
    ActionFactory(campaign=campaign, target_offices=[offices["doj"]])
    campaign.doj = offices["doj"]
    return campaign


def log_calls(campaign, *, n, user, chapter):
    action = campaign.actions.get()
    now = timezone.now()
    CallLog.objects.bulk_create(
        CallLog(
            user=user,
            campaign=campaign,
            action=action,
            office=campaign.doj,
            outcome=Outcome.REACHED,
            chapter=chapter,
            source=Source.WEB,
            created_at=now,
        )
        for _ in range(n)
    )


@pytest.mark.parametrize(("calls", "percent"), sorted(EXPECTED.items()))
def test_the_goal_percentage_is_the_same_on_every_page_and_in_the_api(
    client, token_client, campaign, chapter, chapter_lead, calls, percent
):
    log_calls(campaign, n=calls, user=chapter_lead, chapter=chapter)
    client.force_login(chapter_lead)

    listed = {c.slug: c for c in client.get("/campaigns/").context["campaigns"]}
    page = client.get(f"/campaigns/{campaign.slug}/").context["progress"]
    widget = client.get(f"/campaigns/{campaign.slug}/widget/").context["progress"]
    dashboard = {
        row["campaign"].slug: row
        for row in client.get(f"/chapters/{chapter.slug}/dashboard/").context["board"].by_campaign
    }
    api = token_client(chapter_lead)
    campaign_tally = api.get(f"/api/v1/campaigns/{campaign.slug}/tally/").json()
    chapter_tally = {
        row["campaign"]: row for row in api.get(f"/api/v1/chapters/{chapter.slug}/tally/").json()["by_campaign"]
    }

    assert listed[campaign.slug].percent == percent
    assert page["percent"] == percent
    assert widget == percent
    assert campaign_tally["progress_percent"] == percent
    if calls:  # the dashboard lists the campaigns its chapter called
        assert dashboard[campaign.slug]["progress"] == percent
        assert chapter_tally[campaign.slug]["progress_percent"] == percent


def test_a_campaign_without_a_goal_has_no_percentage():
    assert Campaign(call_goal=None).goal_percent(5) is None
    assert Campaign(call_goal=10).goal_percent(20) == 100
