"""A well-formed ZIP that no US ZIP list knows (00000, 99999) is refused on every path a caller takes,
with the error at the field, and nothing is saved."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from tests.factories.accounts import UserFactory
from tests.factories.campaigns import ActionFactory, CampaignFactory

UNKNOWN = ["00000", "99999", "00000-1234"]


@pytest.mark.parametrize("zip_code", UNKNOWN)
def test_the_officials_page_refuses_an_unknown_zip_at_the_field(client, mo, zip_code):
    response = client.get(reverse("officials:lookup"), {"zip": zip_code})
    html = response.content.decode()
    assert "is not a US ZIP code" in html
    assert 'id="zip-error" role="alert"' in html
    assert "Your officials for" not in html
    assert response.context["lookup"] is None


@pytest.mark.parametrize("zip_code", UNKNOWN)
def test_the_officials_api_refuses_an_unknown_zip(api_client, mo, zip_code):
    response = api_client.get("/api/v1/officials/", {"zip": zip_code})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert "is not a US ZIP code" in " ".join(error["fields"]["zip"])


def test_the_campaign_page_refuses_an_unknown_zip_at_the_field_and_keeps_the_saved_one(client, demo):
    user = UserFactory(zip_code="65101", state="MO")
    client.force_login(user)
    response = client.post(reverse("campaigns:location", args=[demo.slug]), {"zip_code": "00000"})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    html = response.content.decode()
    assert 'aria-describedby="id_zip_code_error"' in html
    assert 'id="id_zip_code_error" role="alert">00000 is not a US ZIP code' in html
    # The card no longer claims the old ZIP while the new one is wrong; what was typed stays in the field.
    assert "Your officials for ZIP" not in html
    assert 'value="00000"' in html
    user.refresh_from_db()
    assert (user.zip_code, user.state) == ("65101", "MO")


def test_a_first_zip_that_is_unknown_is_refused_at_the_field(client, demo):
    user = UserFactory(zip_code="", state="")
    client.force_login(user)
    response = client.post(reverse("campaigns:location", args=[demo.slug]), {"zip_code": "99999"})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Where do you live?" in response.content.decode()
    user.refresh_from_db()
    assert user.zip_code == ""


def test_the_campaign_targets_api_refuses_an_unknown_zip(token_client, volunteer, demo):
    response = token_client(volunteer).get(f"/api/v1/campaigns/{demo.slug}/targets/", {"zip": "00000"})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "is not a US ZIP code" in " ".join(response.json()["error"]["fields"]["zip"])


def test_the_profile_refuses_an_unknown_zip_at_the_field(client, volunteer):
    client.force_login(volunteer)
    response = client.post(
        reverse("profile"),
        {"name": "Val", "zip_code": "00000", "time_zone": "America/Chicago", "reminder_frequency": "weekly"},
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.context["form"].errors["zip_code"] == [
        "00000 is not a US ZIP code. Check it and enter the ZIP code of your street address."
    ]
    volunteer.refresh_from_db()
    assert volunteer.zip_code == "65101"


def test_patch_me_refuses_an_unknown_zip(token_client, volunteer):
    response = token_client(volunteer).patch("/api/v1/me/", {"zip_code": "00000"}, format="json")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "zip_code" in response.json()["error"]["fields"]
    volunteer.refresh_from_db()
    assert volunteer.zip_code == "65101"


@pytest.mark.parametrize("zip_code", ["65101", "00802", "96910", "96799", "20500"])
def test_real_zips_of_states_territories_and_unique_zips_are_still_accepted(client, mo, zip_code):
    response = client.get(reverse("officials:lookup"), {"zip": zip_code})
    assert response.context["lookup"] is not None, response.context["error"]


def test_the_district_question_is_left_out_of_a_campaign_that_calls_no_representative(client, mo):
    campaign = CampaignFactory()
    ActionFactory(campaign=campaign, target_roles=["attorney_general"], script="Hello [STATE AG's NAME]")
    client.force_login(UserFactory(zip_code="63103"))
    html = client.get(reverse("campaigns:detail", args=[campaign.slug])).content.decode()
    assert "Which district do you live in?" not in html
    assert "Your officials for ZIP <strong>63103</strong>" in html


def test_change_zip_stays_offered_while_the_district_question_waits(client, mo):
    campaign = CampaignFactory()
    ActionFactory(campaign=campaign, target_roles=["us_house"], script="Hello [REPRESENTATIVE NAME]")
    client.force_login(UserFactory(zip_code="63103"))
    html = client.get(reverse("campaigns:detail", args=[campaign.slug])).content.decode()
    assert "Which district do you live in?" in html
    assert "Change ZIP code" in html
