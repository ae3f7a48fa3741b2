from http import HTTPStatus

import pytest

from accounts.models import Membership
from accounts.services import api_token_create, api_token_revoke
from tests.factories.accounts import ChapterFactory, MembershipFactory, UserFactory
from tests.factories.officials import missouri_officials

ME = "/api/v1/me/"


def test_me_with_a_token_returns_the_profile_and_chapters_with_roles(token_client, volunteer, chapter):
    MembershipFactory(user=volunteer, chapter=ChapterFactory(name="Kansas City Callers"), role=Membership.Role.LEAD)
    response = token_client(volunteer).get(ME)

    assert response.status_code == HTTPStatus.OK
    body = response.json()
    assert body["email"] == "volunteer@example.org"
    assert body["name"] == "Val Volunteer"
    assert (body["zip_code"], body["state"]) == ("65101", "MO")
    assert {(c["slug"], c["role"]) for c in body["chapters"]} == {
        ("st-louis-callers", "member"),
        ("kansas-city-callers", "lead"),
    }


def test_me_with_a_revoked_token_is_401(api_client, volunteer):
    token, key = api_token_create(user=volunteer, name="lost phone")
    api_token_revoke(user=volunteer, token_id=token.pk)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")

    response = api_client.get(ME)

    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert response.json()["error"]["code"] == "authentication_failed"


def test_me_anonymous_is_401_in_the_error_shape(api_client, db):
    response = api_client.get(ME)
    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert set(response.json()["error"]) >= {"code", "message"}


def test_me_works_with_a_browser_session(client, volunteer):
    client.force_login(volunteer)
    assert client.get(ME).json()["email"] == volunteer.email


def test_me_session_patch_needs_the_csrf_token(volunteer):
    from rest_framework.test import APIClient

    client = APIClient(enforce_csrf_checks=True)
    client.force_login(volunteer)
    response = client.patch(ME, {"name": "X"}, format="json")
    assert response.status_code == HTTPStatus.FORBIDDEN


def test_patch_me_changes_only_what_it_sends(token_client, volunteer):
    response = token_client(volunteer).patch(ME, {"name": "Val V", "reminder_frequency": "never"}, format="json")
    assert response.status_code == HTTPStatus.OK
    volunteer.refresh_from_db()
    assert (volunteer.name, volunteer.reminder_frequency, volunteer.time_zone) == ("Val V", "never", "America/New_York")


def test_patch_me_ignores_the_read_only_email_and_state(token_client, volunteer):
    token_client(volunteer).patch(ME, {"email": "evil@example.org", "state": "CA"}, format="json")
    volunteer.refresh_from_db()
    assert (volunteer.email, volunteer.state) == ("volunteer@example.org", "MO")


def test_patch_me_with_a_new_zip_refills_the_state_and_drops_the_district(token_client, db):
    missouri_officials()
    user = UserFactory(zip_code="63103", state="MO", district_ocd_id="ocd-division/country:us/state:mo/cd:1")
    response = token_client(user).patch(ME, {"zip_code": "90012"}, format="json")
    assert response.status_code == HTTPStatus.OK
    assert (response.json()["state"], response.json()["district_ocd_id"]) == ("CA", "")


def test_patch_me_can_choose_a_district_for_a_split_zip(token_client, db):
    missouri_officials()
    user = UserFactory(zip_code="65101", state="MO")
    district = "ocd-division/country:us/state:mo/cd:2"
    response = token_client(user).patch(ME, {"zip_code": "63103", "district_ocd_id": district}, format="json")
    assert response.status_code == HTTPStatus.OK
    assert response.json()["district_ocd_id"] == district


def test_patch_me_with_a_district_outside_the_zip_is_409(token_client, db):
    """Well formed (the schema's pattern), but in conflict with the saved ZIP: a 409, and nothing changes."""
    missouri_officials()
    user = UserFactory(zip_code="65101", state="MO")
    response = token_client(user).patch(ME, {"district_ocd_id": "ocd-division/country:us/state:mo/cd:1"}, format="json")
    assert response.status_code == HTTPStatus.CONFLICT
    assert response.json()["error"]["code"] == "district_conflict"
    assert "does not include" in response.json()["error"]["message"]


@pytest.mark.parametrize(
    ("user_zip", "body"),
    [
        ("", {"district_ocd_id": "ocd-division/country:us/state:mo/cd:1"}),
        ("65101", {"zip_code": "", "district_ocd_id": "ocd-division/country:us/state:mo/cd:1"}),
        ("65101", {"zip_code": "63103", "district_ocd_id": "ocd-division/country:us/state:ks/cd:1"}),
        ("65101", {"district_ocd_id": "ocd-division/country:us"}),
    ],
)
def test_patch_me_refuses_every_district_the_zip_does_not_have_with_a_409(token_client, db, user_zip, body):
    """No ZIP, or a ZIP the district does not include: each a well-formed body the data refuses, never a 400."""
    missouri_officials()
    user = UserFactory(zip_code=user_zip, state="MO" if user_zip else "")
    response = token_client(user).patch(ME, body, format="json")
    assert response.status_code == HTTPStatus.CONFLICT, response.content
    error = response.json()["error"]
    assert error["code"] == "district_conflict"
    assert list(error["fields"]) == ["district_ocd_id"]
    user.refresh_from_db()
    assert (user.zip_code, user.district_ocd_id) == (user_zip, "")


@pytest.mark.parametrize("zip_code", ["6510", "abcde", "65101-12", "651011234"])
def test_patch_me_with_a_bad_zip_is_400_in_the_error_shape(token_client, volunteer, zip_code):
    response = token_client(volunteer).patch(ME, {"zip_code": zip_code}, format="json")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert "zip_code" in error["fields"]
    assert error["message"].startswith("zip_code:")
    volunteer.refresh_from_db()
    assert volunteer.zip_code == "65101"


@pytest.mark.parametrize("body", [{"time_zone": "Mars/Olympus"}, {"reminder_frequency": "hourly"}, {"name": "x" * 151}])
def test_patch_me_with_bad_values_is_400_not_500(token_client, volunteer, body):
    response = token_client(volunteer).patch(ME, body, format="json")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert set(body) <= set(response.json()["error"]["fields"])


def test_patch_me_with_a_malformed_body_is_400(token_client, volunteer):
    response = token_client(volunteer).generic("PATCH", ME, "{not json", content_type="application/json")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "error" in response.json()


def test_put_on_me_is_not_allowed(token_client, volunteer):
    assert token_client(volunteer).put(ME, {}, format="json").status_code == HTTPStatus.METHOD_NOT_ALLOWED


def test_my_chapters_lists_mine_with_my_role(token_client, chapter_lead, chapter):
    ChapterFactory(name="Not Mine")
    response = token_client(chapter_lead).get("/api/v1/chapters/")
    assert response.status_code == HTTPStatus.OK
    results = response.json()["results"]
    assert [(c["slug"], c["role"]) for c in results] == [("st-louis-callers", "lead")]


def test_my_chapter_detail_is_404_for_a_chapter_i_am_not_in(token_client, volunteer, chapter):
    other = ChapterFactory(name="Not Mine")
    client = token_client(volunteer)
    mine = client.get(f"/api/v1/chapters/{chapter.slug}/")
    assert mine.status_code == HTTPStatus.OK
    assert mine.json()["role"] == "member"
    assert "description" in mine.json()
    theirs = client.get(f"/api/v1/chapters/{other.slug}/")
    assert theirs.status_code == HTTPStatus.NOT_FOUND
    assert theirs.json()["error"]["code"] == "not_found"


def test_chapters_api_is_closed_to_anonymous_callers(api_client, chapter):
    assert api_client.get("/api/v1/chapters/").status_code == HTTPStatus.UNAUTHORIZED
    assert api_client.get(f"/api/v1/chapters/{chapter.slug}/").status_code == HTTPStatus.UNAUTHORIZED


def test_me_makes_a_constant_number_of_queries(token_client, volunteer, django_assert_max_num_queries):
    for n in range(5):
        MembershipFactory(user=volunteer, chapter=ChapterFactory(name=f"Chapter {n}"))
    client = token_client(volunteer)
    with django_assert_max_num_queries(5):
        assert len(client.get(ME).json()["chapters"]) == 6
