"""Each campaign rule has one owner, and every place that applies it agrees.

"Does it accept calls" is CampaignQuerySet.active (SQL) and Campaign.accepts_calls (one loaded
campaign, on the call path); "who may see it" is CampaignQuerySet.visible_to, used by the list,
the page, the API, the widget and the tally API alike.
"""

import datetime as dt
from http import HTTPStatus

import pytest
from django.utils import timezone

from campaigns.models import Campaign
from tests.factories.accounts import ChapterFactory, UserFactory
from tests.factories.campaigns import ActionFactory, CampaignFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now()
HOUR = dt.timedelta(hours=1)


@pytest.mark.parametrize(
    ("status", "starts_at", "ends_at", "accepts"),
    [
        (Campaign.Status.ACTIVE, None, None, True),
        (Campaign.Status.ACTIVE, NOW - HOUR, NOW + HOUR, True),
        (Campaign.Status.ACTIVE, NOW + HOUR, None, False),  # not started
        (Campaign.Status.ACTIVE, None, NOW - HOUR, False),  # ended
        (Campaign.Status.DRAFT, None, None, False),
        (Campaign.Status.ARCHIVED, None, None, False),
    ],
)
def test_accepts_calls_and_the_active_queryset_are_one_rule(status, starts_at, ends_at, accepts):
    campaign = CampaignFactory(status=status, starts_at=starts_at, ends_at=ends_at)
    assert campaign.accepts_calls() is accepts
    assert Campaign.objects.active().filter(pk=campaign.pk).exists() is accepts


@pytest.fixture
def other_chapters_campaign(db):
    campaign = CampaignFactory(chapter=ChapterFactory(slug="elsewhere"), slug="elsewhere-week")
    ActionFactory(campaign=campaign)
    return campaign


def test_another_chapters_campaign_is_hidden_the_same_way_everywhere(client, token_client, other_chapters_campaign):
    outsider = UserFactory()
    client.force_login(outsider)
    slug = other_chapters_campaign.slug
    api = token_client(outsider)

    assert slug not in {c.slug for c in client.get("/campaigns/").context["campaigns"]}
    assert slug not in {c["slug"] for c in api.get("/api/v1/campaigns/").json()["results"]}
    for response in (
        client.get(f"/campaigns/{slug}/"),
        client.get(f"/campaigns/{slug}/widget/"),
        api.get(f"/api/v1/campaigns/{slug}/"),
        api.get(f"/api/v1/campaigns/{slug}/tally/"),
    ):
        assert response.status_code == HTTPStatus.NOT_FOUND


def test_a_member_sees_their_chapters_campaign_everywhere(client, token_client, other_chapters_campaign):
    from accounts.models import Membership

    member = UserFactory()
    Membership.objects.create(user=member, chapter=other_chapters_campaign.chapter)
    client.force_login(member)
    slug = other_chapters_campaign.slug
    api = token_client(member)

    assert slug in {c.slug for c in client.get("/campaigns/").context["campaigns"]}
    assert slug in {c["slug"] for c in api.get("/api/v1/campaigns/").json()["results"]}
    for response in (
        client.get(f"/campaigns/{slug}/"),
        client.get(f"/campaigns/{slug}/widget/"),
        api.get(f"/api/v1/campaigns/{slug}/"),
        api.get(f"/api/v1/campaigns/{slug}/tally/"),
    ):
        assert response.status_code == HTTPStatus.OK


def test_an_archived_campaign_keeps_its_public_tally_but_leaves_the_lists(client, db):
    campaign = CampaignFactory(status=Campaign.Status.ARCHIVED, slug="done-and-dusted")
    assert client.get(f"/campaigns/{campaign.slug}/widget/").status_code == HTTPStatus.OK
    assert campaign.slug not in {c.slug for c in client.get("/campaigns/").context["campaigns"]}
