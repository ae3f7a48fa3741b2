"""A well-formed ZIP that no US ZIP list knows (00000, 99999) is refused on every path a caller takes,
with the error at the field, and nothing is saved. The API answers it with a 422 `unknown_zip` (the request
matches the schema: only the data knows which ZIPs exist); a ZIP of the wrong shape stays a 400."""

from http import HTTPStatus

import pytest
from django.urls import reverse
from jsonschema import Draft202012Validator

from tests.factories.accounts import UserFactory
from tests.factories.campaigns import ActionFactory, CampaignFactory

UNKNOWN = ["00000", "99999", "00000-1234", "28967-6061"]
MALFORMED = ["6510", "abcde", "65101-12", "651011234", " 65101"]


def assert_unknown_zip(response, field):
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY, response.content
    error = response.json()["error"]
    assert error["code"] == "unknown_zip"
    assert "is not a US ZIP code" in error["message"]
    assert list(error["fields"]) == [field]
    assert "is not a US ZIP code" in " ".join(error["fields"][field])


def assert_malformed_zip(response, field):
    assert response.status_code == HTTPStatus.BAD_REQUEST, response.content
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert field in error["fields"]


@pytest.mark.parametrize("zip_code", UNKNOWN)
def test_the_officials_page_refuses_an_unknown_zip_at_the_field(client, mo, zip_code):
    response = client.get(reverse("officials:lookup"), {"zip": zip_code})
    html = response.content.decode()
    assert "is not a US ZIP code" in html
    assert 'id="zip-error" role="alert"' in html
    assert "Your officials for" not in html
    assert response.context["lookup"] is None


@pytest.mark.parametrize("zip_code", UNKNOWN)
def test_the_officials_api_refuses_an_unknown_zip_with_a_422(api_client, mo, zip_code):
    assert_unknown_zip(api_client.get("/api/v1/officials/", {"zip": zip_code}), "zip")


def test_the_officials_api_refuses_an_unknown_zip_whatever_the_other_filters(api_client, mo):
    response = api_client.get("/api/v1/officials/", {"zip": "20281-7130", "state": "sc", "role": "state_lower"})
    assert_unknown_zip(response, "zip")


@pytest.mark.parametrize("zip_code", MALFORMED)
def test_the_officials_api_refuses_a_malformed_zip_with_a_400(api_client, mo, zip_code):
    assert_malformed_zip(api_client.get("/api/v1/officials/", {"zip": zip_code}), "zip")


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


@pytest.mark.parametrize("zip_code", UNKNOWN)
def test_the_campaign_targets_api_refuses_an_unknown_zip_with_a_422(token_client, volunteer, demo, zip_code):
    response = token_client(volunteer).get(f"/api/v1/campaigns/{demo.slug}/targets/", {"zip": zip_code})
    assert_unknown_zip(response, "zip")


@pytest.mark.parametrize("zip_code", MALFORMED)
def test_the_campaign_targets_api_refuses_a_malformed_zip_with_a_400(token_client, volunteer, demo, zip_code):
    response = token_client(volunteer).get(f"/api/v1/campaigns/{demo.slug}/targets/", {"zip": zip_code})
    assert_malformed_zip(response, "zip")


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


@pytest.mark.parametrize("zip_code", UNKNOWN)
def test_patch_me_refuses_an_unknown_zip_with_a_422(token_client, volunteer, zip_code):
    response = token_client(volunteer).patch("/api/v1/me/", {"zip_code": zip_code}, format="json")
    assert_unknown_zip(response, "zip_code")
    volunteer.refresh_from_db()
    assert volunteer.zip_code == "65101"


def test_patch_me_refuses_an_unknown_zip_before_its_district_and_changes_nothing(token_client, volunteer):
    name = volunteer.name
    body = {
        "name": "",
        "zip_code": "00000",
        "district_ocd_id": "ocd-division/country:us",
        "reminder_frequency": "never",
    }
    assert_unknown_zip(token_client(volunteer).patch("/api/v1/me/", body, format="json"), "zip_code")
    volunteer.refresh_from_db()
    assert (volunteer.zip_code, volunteer.name, volunteer.reminder_frequency) == ("65101", name, "weekly")


@pytest.mark.parametrize("zip_code", MALFORMED)
def test_patch_me_refuses_a_malformed_zip_with_a_400(token_client, volunteer, zip_code):
    assert_malformed_zip(
        token_client(volunteer).patch("/api/v1/me/", {"zip_code": zip_code}, format="json"), "zip_code"
    )


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


def test_every_zip_input_of_the_schema_carries_the_shape_the_server_checks(client):
    schema = client.get("/api/schema/?format=json").json()
    parameters = {
        path: {p["name"]: p["schema"] for p in schema["paths"][path]["get"]["parameters"]}
        for path in ("/api/v1/officials/", "/api/v1/campaigns/{slug}/targets/")
    }
    me = schema["components"]["schemas"]["PatchedMeInputRequest"]["properties"]["zip_code"]
    for zip_schema in [*(p["zip"] for p in parameters.values()), me]:
        validator = Draft202012Validator(zip_schema)
        for good in ["", "65101", "65101-1234", *UNKNOWN]:
            assert validator.is_valid(good), (zip_schema, good)
        for bad in MALFORMED:
            assert not validator.is_valid(bad), (zip_schema, bad)
