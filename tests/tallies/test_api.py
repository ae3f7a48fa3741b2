from http import HTTPStatus

import pytest
from django.urls import reverse

from campaigns.models import Campaign
from tests.factories.tallies import CallLogFactory


@pytest.fixture
def calls(national_campaign, chapter, other_chapter, offices, volunteer, other_member):
    ag = offices["attorney_general"]
    CallLogFactory(campaign=national_campaign, chapter=chapter, office=ag, user=volunteer)
    CallLogFactory(campaign=national_campaign, chapter=chapter, office=ag, user=volunteer, outcome="voicemail")
    CallLogFactory(campaign=national_campaign, chapter=other_chapter, office=ag, user=other_member)


def chapter_tally_url(chapter):
    return reverse("api:chapter-tally", kwargs={"slug": chapter.slug})


def test_a_campaigns_tally_is_public(api_client, calls, national_campaign):
    response = api_client.get(reverse("api:campaign-tally", kwargs={"slug": national_campaign.slug}))

    assert response.status_code == HTTPStatus.OK
    body = response.json()
    assert body["total"] == 3
    assert body["goal"] == 10
    assert {"outcome": "voicemail", "label": "Left a voicemail", "calls": 1} in body["by_outcome"]


def test_a_draft_campaigns_tally_is_not_found_in_the_error_shape(api_client, national_campaign):
    Campaign.objects.filter(pk=national_campaign.pk).update(status=Campaign.Status.DRAFT)

    response = api_client.get(reverse("api:campaign-tally", kwargs={"slug": national_campaign.slug}))

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response.json()["error"]["code"] == "not_found"


def test_a_chapter_tally_needs_authentication(api_client, chapter):
    response = api_client.get(chapter_tally_url(chapter))

    assert response.status_code in (HTTPStatus.UNAUTHORIZED, HTTPStatus.FORBIDDEN)


@pytest.mark.parametrize("who", ["volunteer", "other_lead", "other_member"])
def test_only_a_chapters_leads_read_its_tally(request, token_client, calls, chapter, who):
    client = token_client(request.getfixturevalue(who))

    response = client.get(chapter_tally_url(chapter))

    assert response.status_code == HTTPStatus.NOT_FOUND  # as for a chapter that does not exist
    assert "total" not in response.json()


def test_a_lead_reads_their_chapters_tally(token_client, calls, chapter, chapter_lead, volunteer):
    response = token_client(chapter_lead).get(chapter_tally_url(chapter))

    assert response.status_code == HTTPStatus.OK
    body = response.json()
    assert body["total"] == 2
    assert body["by_member"] == [{"user_id": volunteer.pk, "name": volunteer.display_name, "calls": 2}]
    assert body["by_campaign"][0]["total"] == 3  # everyone's calls toward the goal
    assert body["by_office"][0]["state"] == "MO"


def test_staff_read_any_chapters_tally(token_client, calls, other_chapter, staff_with_totp):
    response = token_client(staff_with_totp).get(chapter_tally_url(other_chapter))

    assert response.status_code == HTTPStatus.OK
    assert response.json()["total"] == 1


def test_an_unknown_chapter_is_not_found(token_client, chapter_lead):
    response = token_client(chapter_lead).get("/api/v1/chapters/nowhere/tally/")

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_a_malformed_date_range_is_a_400_with_the_field(token_client, chapter, chapter_lead):
    response = token_client(chapter_lead).get(chapter_tally_url(chapter), {"start": "soon"})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "start" in response.json()["error"]["fields"]


def test_a_reversed_date_range_is_swapped_as_on_the_dashboard(token_client, chapter, chapter_lead):
    response = token_client(chapter_lead).get(chapter_tally_url(chapter), {"start": "2026-02-01", "end": "2026-01-01"})

    assert response.status_code == HTTPStatus.OK
    assert (response.json()["start"], response.json()["end"]) == ("2026-01-01", "2026-02-01")


def test_my_impact_needs_authentication(api_client):
    assert api_client.get(reverse("api:my-impact")).status_code in (HTTPStatus.UNAUTHORIZED, HTTPStatus.FORBIDDEN)


def test_my_impact_has_only_my_calls(token_client, calls, other_member, national_campaign):
    response = token_client(other_member).get(reverse("api:my-impact"))

    assert response.status_code == HTTPStatus.OK
    body = response.json()
    assert body["total"] == 1
    assert body["by_campaign"] == [{"campaign": national_campaign.slug, "title": national_campaign.title, "calls": 1}]
    assert body["time_zone"] == other_member.time_zone
    assert body["streak_weeks"] == 1
    assert body["called_this_week"] is True


def test_the_tally_endpoints_are_in_the_openapi_schema(api_client):
    response = api_client.get(reverse("api-schema"), {"format": "json"})

    paths = response.json()["paths"]
    assert "/api/v1/campaigns/{slug}/tally/" in paths
    assert "/api/v1/chapters/{slug}/tally/" in paths
    assert "/api/v1/me/impact/" in paths
    # No requirement: anyone may call it (a token, if sent, also shows your chapters' campaigns).
    assert paths["/api/v1/campaigns/{slug}/tally/"]["get"]["security"] == []
    params = {p["name"] for p in paths["/api/v1/chapters/{slug}/tally/"]["get"]["parameters"]}
    assert {"start", "end"} <= params
