from http import HTTPStatus
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from tests.factories.accounts import UserFactory


@pytest.mark.parametrize("path", ["/admin/", "/profile/", "/chapters/"])
def test_staff_without_totp_are_sent_to_set_it_up_first(client, staff_user, path):
    client.force_login(staff_user)
    response = client.get(path)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"{reverse('mfa_activate_totp')}?{urlencode({'next': path})}"


def test_staff_without_totp_can_still_reach_the_setup_and_log_out(client, staff_user):
    client.force_login(staff_user)
    # The setup asks for the password again first; both pages live under /accounts/.
    setup = client.get(reverse("mfa_activate_totp"))
    assert setup.status_code == HTTPStatus.FOUND
    assert setup["Location"].startswith(reverse("account_reauthenticate"))
    assert client.get(setup["Location"]).status_code == HTTPStatus.OK
    assert client.post(reverse("account_logout")).status_code == HTTPStatus.FOUND
    assert "_auth_user_id" not in client.session


def test_staff_with_totp_reach_the_admin(client, staff_with_totp):
    client.force_login(staff_with_totp)
    assert client.get("/admin/").status_code == HTTPStatus.OK


def test_volunteers_are_not_asked_for_totp(client, volunteer):
    client.force_login(volunteer)
    assert client.get(reverse("profile")).status_code == HTTPStatus.OK


def test_staff_tokens_work_once_two_factor_is_set_up(token_client, staff_with_totp):
    assert token_client(staff_with_totp).get("/api/v1/me/").status_code == HTTPStatus.OK


def test_a_non_staff_user_with_staff_like_email_is_not_redirected(client, db):
    client.force_login(UserFactory(email="admin@example.org"))
    assert client.get(reverse("chapter_list")).status_code == HTTPStatus.OK


def test_the_admin_login_form_sends_everyone_to_the_two_factor_aware_login(client, db):
    response = client.get("/admin/login/?next=/admin/accounts/user/")
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"{reverse('account_login')}?{urlencode({'next': '/admin/accounts/user/'})}"


def test_the_admin_login_form_cannot_skip_the_totp_step(client, staff_with_totp):
    response = client.post(
        "/admin/login/", {"username": staff_with_totp.email, "password": "correct horse battery staple"}
    )
    assert response.status_code == HTTPStatus.FOUND
    assert "_auth_user_id" not in client.session
