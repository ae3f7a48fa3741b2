import re
from http import HTTPStatus

import pytest
from django.urls import reverse

from accounts.models import ApiToken, Chapter, User
from accounts.services import api_token_create


@pytest.mark.parametrize("model", [User, Chapter, ApiToken])
def test_admin_changelists_load(staff_client, volunteer, chapter_lead, model):
    api_token_create(user=volunteer, name="phone")
    url = reverse(f"admin:accounts_{model._meta.model_name}_changelist")
    assert staff_client.get(url).status_code == HTTPStatus.OK


def test_admin_searches_users_by_email_and_name(staff_client, volunteer, chapter_lead):
    url = reverse("admin:accounts_user_changelist")
    by_name = staff_client.get(url, {"q": "Val Volunteer"}).content.decode()
    assert "volunteer@example.org" in by_name
    assert "lead@example.org" not in by_name
    by_email = staff_client.get(url, {"q": "lead@example"}).content.decode()
    assert "lead@example.org" in by_email


def test_admin_user_and_chapter_pages_load_with_memberships(staff_client, volunteer, chapter):
    assert staff_client.get(reverse("admin:accounts_user_change", args=[volunteer.pk])).status_code == 200
    page = staff_client.get(reverse("admin:accounts_chapter_change", args=[chapter.pk]))
    assert page.status_code == HTTPStatus.OK
    assert b"memberships-TOTAL_FORMS" in page.content


def test_staff_create_a_user_by_email_in_the_admin(staff_client):
    response = staff_client.post(
        reverse("admin:accounts_user_add"),
        {"email": "new@example.org", "password1": "a-long-passphrase-9", "password2": "a-long-passphrase-9"},
    )
    assert response.status_code == HTTPStatus.FOUND, re.findall(r"errorlist.{0,300}", response.content.decode())
    assert User.objects.get(email="new@example.org").check_password("a-long-passphrase-9")


def test_staff_create_a_chapter_in_the_admin(staff_client):
    response = staff_client.post(
        reverse("admin:accounts_chapter_add"),
        {
            "name": "Springfield Callers",
            "slug": "springfield-callers",
            "state": "MO",
            "description": "",
            "created_at_0": "2026-01-01",
            "created_at_1": "12:00:00",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == HTTPStatus.FOUND, re.findall(r"errorlist.{0,300}", response.content.decode())
    assert Chapter.objects.filter(slug="springfield-callers").exists()


def test_admin_shows_a_token_hash_read_only_and_cannot_add_tokens(staff_client, volunteer):
    token, key = api_token_create(user=volunteer, name="phone")
    page = staff_client.get(reverse("admin:accounts_apitoken_change", args=[token.pk])).content.decode()
    assert token.key_hash in page
    assert 'name="key_hash"' not in page
    assert key not in page
    assert staff_client.get(reverse("admin:accounts_apitoken_add")).status_code == HTTPStatus.FORBIDDEN
