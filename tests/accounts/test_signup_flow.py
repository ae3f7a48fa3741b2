"""Signup, verification and login against a real SMTP server; nothing reveals who has an account."""

from http import HTTPStatus
from urllib.parse import urlsplit

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from accounts.models import User
from tests.factories.accounts import UserFactory

PASSWORD = "a-long-unusual-passphrase-42"


def _signup(client, email):
    return client.post(reverse("account_signup"), {"email": email, "password1": PASSWORD, "password2": PASSWORD})


def _logged_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.django_db
def test_signup_sends_a_verification_link_that_lets_the_volunteer_log_in(client, smtp_server):
    response = _signup(client, "new.caller@example.org")
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("account_email_verification_sent")
    assert not _logged_in(client)

    [mail] = smtp_server.to("new.caller@example.org")
    [link] = [url for url in mail.links() if "/accounts/confirm-email/" in url]
    confirm_path = urlsplit(link).path

    page = client.get(confirm_path)
    assert page.status_code == HTTPStatus.OK
    assert b"new.caller@example.org" in page.content
    confirmed = client.post(confirm_path)
    assert confirmed.status_code == HTTPStatus.FOUND
    assert EmailAddress.objects.get(email="new.caller@example.org").verified

    login = client.post(reverse("account_login"), {"login": "new.caller@example.org", "password": PASSWORD})
    assert login.status_code == HTTPStatus.FOUND
    assert login["Location"] == reverse("home")
    assert _logged_in(client)


@pytest.mark.django_db
def test_login_before_verifying_the_email_is_refused_and_resends_the_link(client, smtp_server):
    _signup(client, "unverified@example.org")
    client.logout()

    response = client.post(reverse("account_login"), {"login": "unverified@example.org", "password": PASSWORD})

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("account_email_verification_sent")
    assert not _logged_in(client)
    assert len(smtp_server.to("unverified@example.org")) == 2


@pytest.mark.django_db
def test_signup_with_a_registered_email_looks_exactly_like_a_new_signup(client, smtp_server):
    UserFactory(email="taken@example.org")

    fresh = _signup(client, "fresh@example.org")
    client.logout()
    taken = _signup(client, "taken@example.org")

    assert (taken.status_code, taken["Location"]) == (fresh.status_code, fresh["Location"])
    assert User.objects.filter(email__iexact="taken@example.org").count() == 1
    # The owner of the address is told by email, never the person at the keyboard.
    [notice] = smtp_server.to("taken@example.org")
    assert "/accounts/confirm-email/" not in notice.body


@pytest.mark.django_db
def test_password_reset_for_an_unknown_email_looks_identical_to_a_known_one(client, smtp_server):
    UserFactory(email="known@example.org")
    url = reverse("account_reset_password")

    known = client.post(url, {"email": "known@example.org"})
    unknown = client.post(url, {"email": "nobody@example.org"})

    assert (unknown.status_code, unknown["Location"]) == (known.status_code, known["Location"])
    assert known["Location"] == reverse("account_reset_password_done")
    [reset_mail] = smtp_server.to("known@example.org")
    assert any("/accounts/password/reset/key/" in link for link in reset_mail.links())
    [unknown_mail] = smtp_server.to("nobody@example.org")
    assert not any("/accounts/password/reset/key/" in link for link in unknown_mail.links())


@pytest.mark.django_db
def test_password_reset_link_from_the_email_sets_a_new_password(client, smtp_server):
    user = UserFactory(email="forgetful@example.org")
    client.post(reverse("account_reset_password"), {"email": user.email})
    [mail] = smtp_server.to(user.email)
    [link] = [url for url in mail.links() if "/accounts/password/reset/key/" in url]

    form_page = client.get(urlsplit(link).path, follow=True)
    assert form_page.status_code == HTTPStatus.OK
    action = form_page.redirect_chain[-1][0] if form_page.redirect_chain else urlsplit(link).path
    new_password = "another-long-passphrase-77"
    done = client.post(action, {"password1": new_password, "password2": new_password})

    assert done.status_code == HTTPStatus.FOUND
    user.refresh_from_db()
    assert user.check_password(new_password)


@pytest.mark.django_db
def test_changing_email_sends_a_verification_link_to_the_new_address(client, smtp_server):
    user = UserFactory(email="old@example.org")
    client.force_login(user)

    response = client.post(reverse("account_email"), {"action_add": "", "email": "new@example.org"})

    assert response.status_code == HTTPStatus.FOUND
    [mail] = smtp_server.to("new@example.org")
    [link] = [url for url in mail.links() if "/accounts/confirm-email/" in url]
    client.post(urlsplit(link).path)
    user.refresh_from_db()
    assert user.email == "new@example.org"
    assert EmailAddress.objects.get(user=user, primary=True).email == "new@example.org"
