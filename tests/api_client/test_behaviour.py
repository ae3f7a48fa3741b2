"""What the schema promises, the server does: JSON only, both token spellings, strict keys, cursors, 503s."""

from http import HTTPStatus

import pytest
from django.db import OperationalError
from rest_framework import exceptions
from rest_framework.test import APIClient

from accounts.services import api_token_create
from advocacy.api.exceptions import api_exception_handler
from tallies.models import CallLog

pytestmark = pytest.mark.django_db

CALLS = "/api/v1/calls/"


@pytest.fixture
def body(demo, call_action, mo):
    return {"campaign": demo.slug, "action": call_action.pk, "office": mo["attorney_general"].pk, "outcome": "reached"}


@pytest.mark.parametrize("fmt", ["multipart", None])
def test_form_and_multipart_bodies_are_refused_with_415(token_client, volunteer, body, fmt):
    client = token_client(volunteer)
    if fmt:
        response = client.post(CALLS, body, format=fmt)
    else:
        response = client.post(CALLS, "campaign=x&action=1", content_type="application/x-www-form-urlencoded")
    assert response.status_code == HTTPStatus.UNSUPPORTED_MEDIA_TYPE
    assert response.json()["error"]["code"] == "unsupported_media_type"
    assert CallLog.objects.count() == 0


def test_the_api_answers_json_even_to_a_browser(token_client, volunteer):
    response = token_client(volunteer).get("/api/v1/me/", HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8")
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize("keyword", ["Token", "Bearer", "bearer"])
def test_a_key_is_taken_as_token_or_bearer(volunteer, keyword):
    _, key = api_token_create(user=volunteer, name="partner")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"{keyword} {key}")
    assert client.get("/api/v1/me/").json()["email"] == volunteer.email


def test_a_revoked_key_on_an_anonymous_operation_is_a_401(mo):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer no-such-key")
    response = client.get("/api/v1/officials/", {"state": "MO"})
    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert response.json()["error"]["code"] == "authentication_failed"
    assert APIClient().get("/api/v1/officials/", {"state": "MO"}).status_code == HTTPStatus.OK


@pytest.mark.parametrize("key", ["", " ", "with space", "x" * 101, "tab\there"])
def test_an_empty_or_malformed_idempotency_key_is_a_400_and_logs_nothing(token_client, volunteer, body, key):
    response = token_client(volunteer).post(CALLS, body, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["error"]["fields"]["Idempotency-Key"]
    assert CallLog.objects.count() == 0


def test_my_calls_page_by_cursor_newest_first_and_new_calls_do_not_shift_the_pages(
    settings, token_client, volunteer, body
):
    settings.CALLS_PER_OFFICE_PER_DAY = 10  # six calls to one office, past the daily limit of 3
    client = token_client(volunteer)
    ids = [client.post(CALLS, body, format="json").json()["id"] for _ in range(5)]
    first = client.get(CALLS, {"page_size": 2}).json()
    assert [c["id"] for c in first["results"]] == ids[::-1][:2]
    assert first["previous_cursor"] is None
    client.post(CALLS, body, format="json")  # a new call must not repeat a row on the next page
    second = client.get(CALLS, {"page_size": 2, "cursor": first["next_cursor"]}).json()
    assert [c["id"] for c in second["results"]] == ids[::-1][2:4]
    back = client.get(CALLS, {"page_size": 2, "cursor": second["previous_cursor"]}).json()
    assert [c["id"] for c in back["results"]] == ids[::-1][:2]


@pytest.mark.parametrize("url", ["/api/v1/campaigns/?page=999", "/api/v1/chapters/?page=0", CALLS + "?cursor=bogus"])
def test_invalid_pages_and_cursors_are_404s_in_the_error_shape(token_client, volunteer, url):
    response = token_client(volunteer).get(url)
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response.json()["error"]["code"] == "not_found"


def test_an_unreachable_database_is_a_503_with_retry_after(token_client, volunteer, monkeypatch):
    from tallies import selectors

    def down(**kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(selectors, "tally_impact", down)
    response = token_client(volunteer).get("/api/v1/me/impact/")
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.json()["error"]["code"] == "service_unavailable"
    assert int(response["Retry-After"]) > 0


def test_nested_validation_errors_come_as_flat_field_names():
    error = exceptions.ValidationError({"calls": [{}, {"campaign": ["Bad slug."], "note": ["Too long."]}], "x": "No."})
    response = api_exception_handler(error, {})
    assert response.data["error"]["fields"] == {
        "calls.1.campaign": ["Bad slug."],
        "calls.1.note": ["Too long."],
        "x": ["No."],
    }
    assert response.data["error"]["message"] == "calls.1.campaign: Bad slug."


@pytest.mark.parametrize("extra", [{"HTTP_ACCEPT": "application/xml"}, {"QUERY_STRING": "format=api"}])
def test_the_api_answers_json_whatever_the_client_asks_for(token_client, volunteer, extra):
    response = token_client(volunteer).get("/api/v1/me/", **extra)
    assert response.status_code == HTTPStatus.OK
    assert response.json()["email"] == volunteer.email


def test_the_schema_is_still_served_as_yaml_or_json(client, db):
    assert client.get("/api/schema/").content.startswith(b"openapi: 3.1.0")
    assert client.get("/api/schema/?format=json").json()["openapi"] == "3.1.0"
