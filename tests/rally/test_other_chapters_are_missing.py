"""Another chapter's rally pages answer exactly like a missing chapter's: a 404 with the same page."""

import datetime as dt
import re
from http import HTTPStatus

import pytest
from django.urls import reverse

from accounts.models import Membership
from rally.models import CallDay, CallNowMessage
from tests.factories.accounts import ChapterFactory, MembershipFactory, UserFactory
from tests.factories.campaigns import ActionFactory, CampaignFactory


@pytest.fixture
def other_chapter(db, offices):
    other = ChapterFactory(name="Kansas City Callers", slug="kansas-city-callers", state="MO")
    MembershipFactory(user=UserFactory(email="kc-lead@example.org"), chapter=other, role=Membership.Role.LEAD)
    return other


@pytest.fixture
def other_campaign(other_chapter):
    campaign = CampaignFactory(title="KC week", slug="kc-week", chapter=other_chapter)
    ActionFactory(campaign=campaign, target_roles=["attorney_general"])
    return campaign


def _page(response, path: str) -> str:
    # The CSRF token is masked afresh on every response; everything else must be the same.
    body = response.content.decode().replace(path, "")
    return re.sub(r'(csrfmiddlewaretoken" value=|CSRFToken": )"[^"]+"', r"\1", body)


def same_as_missing(client, method, existing: str, missing: str, data=None):
    there = getattr(client, method)(existing, data or {})
    absent = getattr(client, method)(missing, data or {})
    assert there.status_code == absent.status_code == HTTPStatus.NOT_FOUND
    assert _page(there, existing) == _page(absent, missing)


@pytest.mark.parametrize(
    ("name", "method", "data"),
    [
        ("rally:rally", "get", None),
        ("rally:call_day_create", "post", {"day": "2030-01-01"}),
        ("rally:call_now", "post", {"message": "Call!", "confirm": "send"}),
    ],
)
def test_rally_pages_of_another_chapter_answer_like_a_missing_chapter(
    client, chapter, chapter_lead, campaign, other_chapter, other_campaign, name, method, data
):
    client.force_login(chapter_lead)
    same_as_missing(
        client,
        method,
        reverse(name, args=[other_chapter.slug, campaign.slug]),
        reverse(name, args=["no-such-chapter", campaign.slug]),
        data,
    )
    # Another chapter's campaign through my own chapter's slug, too.
    same_as_missing(
        client,
        method,
        reverse(name, args=[chapter.slug, other_campaign.slug]),
        reverse(name, args=[chapter.slug, "no-such-campaign"]),
        data,
    )
    assert not CallDay.objects.exists()
    assert not CallNowMessage.objects.exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_invitations_of_another_chapter_answer_like_a_missing_chapter(
    client, chapter_lead, other_chapter, volunteer, method
):
    for user in (chapter_lead, volunteer):
        client.force_login(user)
        same_as_missing(
            client,
            method,
            reverse("rally:invitations", args=[other_chapter.slug]),
            reverse("rally:invitations", args=["no-such-chapter"]),
            {"addresses": "x@example.org"},
        )


def test_a_member_who_is_not_a_lead_gets_the_same_404(client, chapter, volunteer, campaign):
    client.force_login(volunteer)
    same_as_missing(
        client,
        "get",
        reverse("rally:rally", args=[chapter.slug, campaign.slug]),
        reverse("rally:rally", args=["no-such-chapter", campaign.slug]),
    )


def test_calls_today_of_another_chapters_call_day_answers_like_a_missing_one(
    client, chapter_lead, other_chapter, other_campaign
):
    call_day = CallDay.objects.create(chapter=other_chapter, campaign=other_campaign, day=dt.date(2030, 1, 1))
    client.force_login(chapter_lead)
    same_as_missing(
        client,
        "get",
        reverse("rally:calls_today", args=[call_day.pk]),
        reverse("rally:calls_today", args=[call_day.pk + 1000]),
    )


def test_call_now_progress_of_another_chapter_answers_like_a_missing_one(
    client, chapter_lead, other_chapter, other_campaign
):
    message = CallNowMessage.objects.create(
        chapter=other_chapter, campaign=other_campaign, day=dt.date(2030, 1, 1), message="Go"
    )
    client.force_login(chapter_lead)
    same_as_missing(
        client,
        "get",
        reverse("rally:call_now_progress", args=[message.pk]),
        reverse("rally:call_now_progress", args=[message.pk + 1000]),
    )
