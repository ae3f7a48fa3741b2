"""Two-factor means two-factor: staff rights over the API need TOTP set up, and a session that used it."""

from http import HTTPStatus

import pytest
from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
from django.urls import reverse

from tests.factories.accounts import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(chapter):
    user = UserFactory(email="member@example.org", name="Mia Member")
    MembershipFactory(user=user, chapter=chapter)
    return user


def _tally(chapter):
    return f"/api/v1/chapters/{chapter.slug}/tally/"


def test_a_staff_token_without_totp_cannot_read_a_chapters_tally(token_client, staff_user, chapter, member):
    """The incident: a staff account without two-factor read every chapter's tally with member names."""
    response = token_client(staff_user).get(_tally(chapter))

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert response.json()["error"]["code"] == "two_factor_required"
    assert "Mia" not in response.content.decode()


def test_a_staff_session_without_totp_gets_403_from_the_api(client, staff_user, chapter):
    client.force_login(staff_user)
    response = client.get(_tally(chapter))
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert response.json()["error"]["code"] == "two_factor_required"


def test_staff_with_totp_read_the_tally(token_client, client, staff_with_totp, chapter):
    assert token_client(staff_with_totp).get(_tally(chapter)).status_code == HTTPStatus.OK
    client.force_login(staff_with_totp)
    assert client.get(_tally(chapter)).status_code == HTTPStatus.OK


def _password_only_session(client, user):
    client.force_login(user)
    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [{"method": "password", "at": 1.0, "email": user.email}]
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()


def test_a_session_signed_in_with_a_password_only_does_not_act_as_staff(client, staff_with_totp, chapter):
    _password_only_session(client, staff_with_totp)

    api = client.get(_tally(chapter))
    page = client.get(reverse("tallies:staff_dashboard"))

    assert api.status_code == HTTPStatus.FORBIDDEN
    assert api.json()["error"]["code"] == "two_factor_required"
    assert page.status_code == HTTPStatus.FOUND
    assert page["Location"].startswith(reverse("mfa_reauthenticate"))


def test_a_session_that_used_the_second_factor_acts_as_staff(client, staff_with_totp, chapter):
    _password_only_session(client, staff_with_totp)
    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] += [{"method": "mfa", "at": 2.0, "type": "totp"}]
    session.save()

    assert client.get(_tally(chapter)).status_code == HTTPStatus.OK
    assert client.get(reverse("tallies:staff_dashboard")).status_code == HTTPStatus.OK


def test_volunteers_need_no_second_factor_for_the_api(token_client, member):
    assert token_client(member).get("/api/v1/me/").status_code == HTTPStatus.OK
