import hashlib
import re
from http import HTTPStatus

from django.db import connection
from django.urls import reverse

from accounts.models import ApiToken
from accounts.services import api_token_create
from tests.factories.accounts import UserFactory


def _create(client, name="phone app"):
    response = client.post(reverse("api_tokens"), {"name": name})
    key = re.search(r'id="token-key" value="([^"]+)"', response.content.decode()).group(1)
    return response, key


def test_the_tokens_page_lists_my_tokens_only(client, volunteer):
    api_token_create(user=volunteer, name="spreadsheet")
    api_token_create(user=UserFactory(), name="someone else's")
    client.force_login(volunteer)
    html = client.get(reverse("api_tokens")).content.decode()
    assert "spreadsheet" in html
    assert "someone else" not in html


def test_a_new_key_is_shown_once_and_never_again(client, volunteer):
    client.force_login(volunteer)
    response, key = _create(client)

    assert response.status_code == HTTPStatus.OK
    assert "no-store" in response["Cache-Control"]
    listing = client.get(reverse("api_tokens")).content.decode()
    assert "phone app" in listing
    assert key not in listing
    assert key[:8] in listing  # the prefix tells keys apart


def test_the_database_holds_only_the_hash_of_a_key(client, volunteer):
    client.force_login(volunteer)
    _, key = _create(client)

    token = ApiToken.objects.get(user=volunteer)
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {ApiToken._meta.db_table}")  # noqa: S608 (a model's own table name)
        rows = cursor.fetchall()
    assert rows
    assert not any(key in str(value) for row in rows for value in row)


def test_the_created_key_authenticates_against_the_api(client, api_client, volunteer):
    client.force_login(volunteer)
    _, key = _create(client)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api_client.get("/api/v1/me/").json()["email"] == volunteer.email


def test_a_token_without_a_name_is_refused(client, volunteer):
    client.force_login(volunteer)
    response = client.post(reverse("api_tokens"), {"name": "  "})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert not ApiToken.objects.exists()


def test_revoking_a_token_marks_it_revoked_in_the_list(client, volunteer):
    token, _ = api_token_create(user=volunteer, name="old laptop")
    client.force_login(volunteer)

    response = client.post(reverse("api_token_revoke", args=[token.pk]))

    assert response.status_code == HTTPStatus.FOUND
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert "Revoked" in client.get(reverse("api_tokens")).content.decode()


def test_nobody_can_revoke_another_volunteers_token(client, volunteer):
    token, _ = api_token_create(user=UserFactory(), name="theirs")
    client.force_login(volunteer)
    assert client.post(reverse("api_token_revoke", args=[token.pk])).status_code == HTTPStatus.NOT_FOUND
    token.refresh_from_db()
    assert token.revoked_at is None


def test_revoke_needs_a_post(client, volunteer):
    token, _ = api_token_create(user=volunteer, name="x")
    client.force_login(volunteer)
    assert client.get(reverse("api_token_revoke", args=[token.pk])).status_code == HTTPStatus.METHOD_NOT_ALLOWED
