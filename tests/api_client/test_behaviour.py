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
    token_client, volunteer, body, settings
):
    settings.CALLS_PER_OFFICE_PER_DAY = 10  # six calls to one office: the daily limit is not what this tests
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


# ------------------------------------------------------------------------------
# Issue 29: the server takes exactly what the schema says
# ------------------------------------------------------------------------------
@pytest.mark.parametrize("page_size", ["0", "501", "null", "", "1.5", "-1", "true"])
@pytest.mark.parametrize("url", [CALLS, "/api/v1/campaigns/", "/api/v1/chapters/", "/api/v1/officials/"])
def test_a_page_size_outside_1_to_500_is_a_400(token_client, volunteer, url, page_size):
    response = token_client(volunteer).get(url, {"page_size": page_size})
    assert response.status_code == HTTPStatus.BAD_REQUEST, response.content
    assert "page_size" in response.json()["error"]["fields"]


def test_page_size_500_is_taken(token_client, volunteer):
    assert token_client(volunteer).get(CALLS, {"page_size": "500"}).status_code == HTTPStatus.OK


def test_a_cursor_made_up_or_past_the_end_is_a_404(token_client, volunteer, body, settings):
    import base64

    client = token_client(volunteer)
    for _ in range(2):
        client.post(CALLS, body, format="json")
    first = client.get(CALLS, {"page_size": 1}).json()
    assert first["next_cursor"]
    # What the cursor of DRF's own pagination looks like: base64 of "p=<id>". A made-up one used to
    # answer the first page (or an empty one past the end) with 200.
    for made_up in [base64.b64encode(b"p=1").decode(), base64.b64encode(b"p=99999999").decode(), "cD0x", "abcd"]:
        response = client.get(CALLS, {"cursor": made_up})
        assert response.status_code == HTTPStatus.NOT_FOUND, made_up
        assert response.json()["error"]["code"] == "not_found"
    assert client.get(CALLS, {"page_size": 1, "cursor": first["next_cursor"]}).status_code == HTTPStatus.OK
    CallLog.objects.filter(user=volunteer).delete()  # the next page is now past the end
    assert client.get(CALLS, {"page_size": 1, "cursor": first["next_cursor"]}).status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize("value", [0, 1, "true", "yes", None])
def test_call_now_emails_takes_booleans_only(token_client, volunteer, value):
    response = token_client(volunteer).patch("/api/v1/me/", {"call_now_emails": value}, format="json")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "call_now_emails" in response.json()["error"]["fields"]
    volunteer.refresh_from_db()
    assert volunteer.call_now_emails is True
    assert token_client(volunteer).patch("/api/v1/me/", {"call_now_emails": False}, format="json").status_code == 200


@pytest.mark.parametrize("reason", [5, 1.5, True, ["x"]])
def test_a_wrong_number_reports_reason_must_be_text(token_client, volunteer, mo, reason):
    from officials.models import WrongNumberReport

    point = mo["attorney_general"].contact_points.first()
    url = f"/api/v1/contact-points/{point.pk}/reports/"
    response = token_client(volunteer).post(url, {"reason": reason}, format="json")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "reason" in response.json()["error"]["fields"]
    assert not WrongNumberReport.objects.exists()
    assert token_client(volunteer).post(url, {"reason": "Disconnected."}, format="json").status_code == 201


@pytest.mark.parametrize(
    "query",
    [
        {"zip": "6510"},
        {"zip": "651011234"},
        {"zip": " 65101"},
        {"zip": "65101\n"},
        {"zip": "\u0666\u0665\u0661\u0660\u0661"},
        {"zip": "65101", "district": "cd:3"},
        {"state": ""},
        {"state": "Mo"},
        {"state": "ZZ"},
    ],
)
def test_officials_parameters_outside_the_schemas_patterns_are_a_400(api_client, mo, query):
    response = api_client.get("/api/v1/officials/", query)
    assert response.status_code == HTTPStatus.BAD_REQUEST, query


@pytest.mark.parametrize("query", ["start=", "end=", "start=2026-1-5", "end=2101-01-01", "start=2026-02-30"])
def test_tally_dates_outside_the_schemas_pattern_are_a_400(token_client, chapter_lead, chapter, query):
    response = token_client(chapter_lead).get(f"/api/v1/chapters/{chapter.slug}/tally/?{query}")
    assert response.status_code == HTTPStatus.BAD_REQUEST, query


def test_a_reversed_tally_range_is_read_the_other_way_round_as_on_the_dashboard(token_client, chapter_lead, chapter):
    response = token_client(chapter_lead).get(f"/api/v1/chapters/{chapter.slug}/tally/?start=2026-12-01&end=2026-11-01")
    assert response.status_code == HTTPStatus.OK
    assert (response.json()["start"], response.json()["end"]) == ("2026-11-01", "2026-12-01")


@pytest.mark.parametrize("query", ["q=a%00b", "national=maybe", "national=1", "national="])
def test_campaign_filters_outside_the_schema_are_a_400(token_client, volunteer, query):
    assert token_client(volunteer).get(f"/api/v1/campaigns/?{query}").status_code == HTTPStatus.BAD_REQUEST


def test_a_district_the_zip_does_not_touch_is_a_409_on_me_and_a_404_on_the_lookup(token_client, volunteer, mo):
    other = "ocd-division/country:us/state:ks/cd:1"
    response = token_client(volunteer).patch("/api/v1/me/", {"zip_code": "65101", "district_ocd_id": other})
    assert response.status_code == HTTPStatus.CONFLICT
    assert response.json()["error"]["code"] == "district_conflict"
    lookup = APIClient().get("/api/v1/officials/", {"zip": "65101", "district": other})
    assert lookup.status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize("url", ["/api/v1/officials/0.5/", "/api/v1/nothing/here/", "/api/"])
def test_an_unknown_api_url_is_a_json_404_even_with_debug_on(settings, url):
    from django.test import Client

    settings.DEBUG = True
    client = Client(enforce_csrf_checks=True)
    for response in (client.get(url), client.post(url, "{}", content_type="application/json")):
        assert response.status_code == HTTPStatus.NOT_FOUND
        assert response["Content-Type"] == "application/json"
        assert response.json()["error"]["code"] == "not_found"
