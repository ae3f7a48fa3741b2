"""Every allauth page renders inside the site's own layout, with labelled fields."""

import re
from http import HTTPStatus

import pytest
from django.urls import reverse

from tests.factories.accounts import UserFactory

PASSWORD = "correct horse battery staple"


def assert_in_site_layout(response, heading: str):
    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK, html[:500]
    assert 'class="site-header"' in html, "the page does not extend base.html"
    assert "css/accounts.css" in html
    assert re.search(rf"<h1>\s*{re.escape(heading)}", html), f"no <h1>{heading}</h1>"
    # Every visible input has a label pointing at it.
    for input_id in re.findall(r'<input(?![^>]*type="(?:hidden|submit)")[^>]*\bid="([^"]+)"', html):
        assert f'for="{input_id}"' in html, f"input #{input_id} has no label"


@pytest.mark.parametrize(
    ("url_name", "heading"),
    [
        ("account_login", "Sign In"),
        ("account_signup", "Sign Up"),
        ("account_email_verification_sent", "Verify Your Email Address"),
        ("account_reset_password", "Password Reset"),
        ("account_reset_password_done", "Password Reset"),
    ],
)
def test_anonymous_account_pages_use_the_site_layout(client, db, url_name, heading):
    assert_in_site_layout(client.get(reverse(url_name)), heading)


def test_a_bad_email_confirmation_link_explains_itself_in_the_site_layout(client, db):
    response = client.get(reverse("account_confirm_email", args=["not-a-real-key"]))
    assert_in_site_layout(response, "Confirm Email Address")
    assert b"expired or is invalid" in response.content


def test_a_bad_password_reset_link_explains_itself_in_the_site_layout(client, db):
    response = client.get(reverse("account_reset_password_from_key", args=["1", "bad-token"]), follow=True)
    assert_in_site_layout(response, "Bad Token")


@pytest.mark.parametrize(
    ("url_name", "heading"),
    [
        ("account_email", "Email Address"),
        ("account_change_password", "Change Password"),
        ("account_logout", "Sign Out"),
        ("mfa_index", "Two-Factor Authentication"),
    ],
)
def test_account_management_pages_use_the_site_layout_with_the_account_menu(client, volunteer, url_name, heading):
    client.force_login(volunteer)
    response = client.get(reverse(url_name))
    assert_in_site_layout(response, heading)
    assert b'aria-label="Account settings"' in response.content


def _log_in_with_password(client, user):
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == HTTPStatus.FOUND
    return response


def test_totp_activation_asks_for_the_password_again_then_shows_the_qr_code_in_the_site_layout(client, db):
    user = UserFactory()
    _log_in_with_password(client, user)
    activate_url = reverse("mfa_activate_totp")

    first = client.get(activate_url)
    assert first.status_code == HTTPStatus.FOUND
    assert first["Location"].startswith(reverse("account_reauthenticate"))
    assert_in_site_layout(client.get(first["Location"]), "Confirm Access")
    confirmed = client.post(first["Location"], {"password": PASSWORD})
    assert confirmed["Location"] == activate_url

    response = client.get(activate_url)
    assert_in_site_layout(response, "Activate Authenticator App")
    assert b'class="qr-code"' in response.content
    assert b'id="authenticator_secret"' in response.content


def test_recovery_codes_pages_use_the_site_layout(client, staff_with_totp):
    client.force_login(staff_with_totp)
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    RecoveryCodes.activate(staff_with_totp)
    # allauth asks for the password again before showing codes.
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert_in_site_layout(client.get(reverse("mfa_view_recovery_codes")), "Recovery Codes")
    assert_in_site_layout(client.get(reverse("mfa_generate_recovery_codes")), "Recovery Codes")


def test_login_with_totp_asks_for_the_code_in_the_site_layout(client, staff_with_totp):
    response = _log_in_with_password(client, staff_with_totp)
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    assert_in_site_layout(client.get(response["Location"]), "Two-Factor Authentication")
