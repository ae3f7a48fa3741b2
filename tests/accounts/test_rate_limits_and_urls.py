from http import HTTPStatus

import pytest
from django.urls import resolve, reverse

from accounts import views
from tests.factories.accounts import UserFactory


def test_repeated_failed_logins_for_one_address_are_rate_limited(client, db, settings):
    # Test settings switch rate limits off; switch the production limit back on here.
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "100/m/ip,5/5m/key"}
    user = UserFactory(email="target@example.org")
    for n in range(5):
        response = client.post(reverse("account_login"), {"login": user.email, "password": f"wrong-{n}"})
        assert b"Too many failed login attempts" not in response.content

    # Now even the right password is refused until the window passes.
    response = client.post(reverse("account_login"), {"login": user.email, "password": "correct horse battery staple"})

    assert response.status_code == HTTPStatus.OK
    assert b"Too many failed login attempts" in response.content
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("url", "name", "view"),
    [
        ("/profile/", "profile", views.profile),
        ("/profile/delete/", "profile_delete", views.profile_delete),
        ("/profile/tokens/", "api_tokens", views.api_tokens),
        ("/chapters/", "chapter_list", views.chapter_list),
        ("/chapters/st-louis/", "chapter_detail", views.chapter_detail),
        ("/chapters/st-louis/members/", "chapter_members", views.chapter_members),
        ("/chapters/join/1:abc:def/", "chapter_join", views.chapter_join),
    ],
)
def test_urls_resolve_to_their_views(url, name, view):
    match = resolve(url)
    assert (match.url_name, match.func) == (name, view)


def test_api_urls_reverse_under_v1():
    assert reverse("api:me") == "/api/v1/me/"
    assert reverse("api:chapter-list") == "/api/v1/chapters/"
    assert reverse("api:chapter-detail", args=["st-louis"]) == "/api/v1/chapters/st-louis/"
