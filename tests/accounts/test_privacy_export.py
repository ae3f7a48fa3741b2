"""A volunteer downloads their own data (profile, memberships, calls, replies) from the profile page and the API."""

import json
from http import HTTPStatus

import pytest
from django.urls import reverse

from accounts.services import user_delete
from campaigns.models import Reply
from tallies.models import CallLog
from tallies.services import call_log_create
from tests.factories.accounts import UserFactory
from tests.factories.campaigns import ActionFactory, CampaignFactory
from tests.factories.officials import missouri_officials

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(volunteer, chapter):
    offices = missouri_officials()
    campaign = CampaignFactory(slug="sentencing")
    action = ActionFactory(campaign=campaign, target_roles=["attorney_general"])
    call_log_create(
        user=volunteer,
        campaign=campaign,
        action=action,
        office=offices["attorney_general"],
        outcome="reached",
        note="Staffer said no position yet",
    )
    Reply.objects.create(campaign=campaign, author=volunteer, body="They were polite")
    someone = UserFactory(email="someone@example.org")
    call_log_create(
        user=someone,
        campaign=campaign,
        action=action,
        office=offices["attorney_general"],
        outcome="busy",
        note="not yours",
    )
    Reply.objects.create(campaign=campaign, author=someone, body="not yours either")
    return campaign


def _check(data, volunteer, chapter):
    assert data["profile"]["email"] == volunteer.email
    assert data["profile"]["zip_code"] == "65101"
    assert [m["chapter"] for m in data["memberships"]] == [chapter.slug]
    assert [(c["campaign"], c["outcome"], c["note"]) for c in data["calls"]] == [
        ("sentencing", "reached", "Staffer said no position yet")
    ]
    assert data["calls"][0]["official"] == "Catherine Hanaway"
    assert [r["body"] for r in data["replies"]] == ["They were polite"]
    assert "not yours" not in json.dumps(data)


def test_the_api_export_holds_my_profile_memberships_calls_and_replies(token_client, volunteer, chapter, history):
    response = token_client(volunteer).get("/api/v1/me/export/")

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Disposition"] == 'attachment; filename="my-data.json"'
    _check(response.json(), volunteer, chapter)


def test_the_profile_page_offers_the_same_download(client, volunteer, chapter, history):
    client.force_login(volunteer)
    assert reverse("profile_export") in client.get(reverse("profile")).content.decode()

    response = client.get(reverse("profile_export"))

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "application/json"
    assert "attachment" in response["Content-Disposition"]
    _check(json.loads(response.content), volunteer, chapter)


def test_the_export_needs_a_signed_in_volunteer(client, api_client, db):
    assert api_client.get("/api/v1/me/export/").status_code in (HTTPStatus.UNAUTHORIZED, HTTPStatus.FORBIDDEN)
    assert client.get(reverse("profile_export")).status_code == HTTPStatus.FOUND


def test_deleting_the_account_keeps_the_counts(volunteer, history):
    user_delete(user=volunteer)
    assert CallLog.objects.count() == 2
    assert CallLog.objects.filter(user__isnull=True).count() == 1
