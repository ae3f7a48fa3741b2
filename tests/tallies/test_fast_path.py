"""The call endpoint's fast path: the same answers as the DRF view, one SQL statement warm, caches that never go stale."""

import uuid
from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.services import api_token_create, api_token_revoke
from campaigns.models import Campaign
from tallies.api import fast_path_caches
from tallies.api.serializers import CallOutputSerializer
from tallies.models import CallLog

pytestmark = [pytest.mark.django_db, pytest.mark.redis]

CALLS = "/api/v1/calls/"
# A logged call's one statement: PostgreSQL's call function (tallies.sql.writes), SQLite's INSERT.
CALL_STATEMENT = (
    "SELECT * FROM tallies_call_insert_" if connection.vendor == "postgresql" else "INSERT INTO tallies_calllog"
)


@pytest.fixture
def settings_high_limit(settings):
    settings.CALLS_PER_OFFICE_PER_DAY = 100


@pytest.fixture
def body(national_campaign, offices):
    return {
        "campaign": national_campaign.slug,
        "action": national_campaign.actions.get().pk,
        "office": offices["attorney_general"].pk,
        "outcome": "reached",
    }


def post(client, body, **extra):
    return client.post(CALLS, body, format="json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()), **extra)


def test_a_warm_call_is_one_statement_and_answers_like_the_view(settings_high_limit, token_client, volunteer, body):
    client = token_client(volunteer)
    for _ in range(2):  # the token is read, then confirmed; the campaign and the caller's officials cached
        assert post(client, body).status_code == HTTPStatus.CREATED

    with CaptureQueriesContext(connection) as queries:
        response = post(client, body)

    assert response.status_code == HTTPStatus.CREATED
    statements = [q["sql"] for q in queries.captured_queries]
    # On PostgreSQL the function that takes the per-office lock, then INSERTs (one round trip).
    assert len(statements) == 1, statements
    assert statements[0].startswith(CALL_STATEMENT)
    call = CallLog.objects.select_related("campaign", "office", "person").get(pk=response.json()["id"])
    assert response.json() == CallOutputSerializer(call).data
    assert response["Content-Type"] == "application/json"


def test_a_revoked_token_is_refused_on_the_next_request(settings_high_limit, volunteer, body):
    from rest_framework.test import APIClient

    token, key = api_token_create(user=volunteer, name="phone")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    for _ in range(3):  # now served from this process's cache
        assert post(client, body).status_code == HTTPStatus.CREATED

    # Revocation replaces the user's generation in Redis; no process's memory is touched, as
    # for a revocation made by another process.
    api_token_revoke(user=volunteer, token_id=token.pk)
    refused = post(client, body)

    assert refused.status_code == HTTPStatus.UNAUTHORIZED
    assert refused.json()["error"]["code"] == "authentication_failed"
    assert CallLog.objects.count() == 3


def test_a_revoked_token_is_refused_while_redis_is_down(settings_high_limit, monkeypatch, volunteer, body):
    from rest_framework.test import APIClient

    token, key = api_token_create(user=volunteer, name="phone")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    for _ in range(3):
        assert post(client, body).status_code == HTTPStatus.CREATED
    monkeypatch.setattr("tallies.rate_limits.redis_script", lambda script, keys, args=(): None)
    assert post(client, body).status_code == HTTPStatus.CREATED  # calls still logged without Redis

    token.revoked_at = token.created_at
    token.save(update_fields=["revoked_at"])  # the generation cannot be replaced: Redis is "down"

    assert post(client, body).status_code == HTTPStatus.UNAUTHORIZED


def test_archiving_a_campaign_in_the_admin_stops_calls_at_once(
    settings_high_limit, token_client, volunteer, body, national_campaign
):
    from django.contrib import admin

    from campaigns.admin import CampaignAdmin

    client = token_client(volunteer)
    for _ in range(2):
        assert post(client, body).status_code == HTTPStatus.CREATED

    CampaignAdmin(Campaign, admin.site).archive(None, Campaign.objects.filter(pk=national_campaign.pk))
    refused = post(client, body)

    assert refused.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert refused.json()["error"]["code"] == "campaign_closed"
    assert refused.json()["error"]["fields"]["campaign"]


def test_a_new_zip_takes_effect_on_the_next_call(settings_high_limit, token_client, volunteer, body):
    client = token_client(volunteer)
    for _ in range(2):
        assert post(client, body).status_code == HTTPStatus.CREATED

    volunteer.zip_code = ""
    volunteer.save()
    refused = post(client, body)

    assert refused.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert refused.json()["error"]["code"] == "zip_code_required"


@pytest.mark.parametrize(
    "change",
    [
        {"office": "12"},  # a string id: the view's serializer decides
        {"note": None},
        {"client_timestamp": "2017-13-01T00:00:00Z"},
        {"extra": 1},
    ],
)
def test_unusual_bodies_get_the_views_answers(settings_high_limit, token_client, volunteer, body, change):
    client = token_client(volunteer)
    with_fast_path = post(client, {**body, **change})
    fast_path_caches.clear_process_caches()

    assert with_fast_path.status_code in (HTTPStatus.CREATED, HTTPStatus.BAD_REQUEST, HTTPStatus.UNPROCESSABLE_ENTITY)
    if with_fast_path.status_code == HTTPStatus.BAD_REQUEST:
        assert with_fast_path.json()["error"]["code"] == "validation_error"
    if with_fast_path.status_code == HTTPStatus.UNPROCESSABLE_ENTITY:  # "12" is an id no office has
        assert with_fast_path.json()["error"]["code"] == "unknown_office"


def test_over_the_calls_rate_is_a_429_with_retry_after(settings_high_limit, monkeypatch, token_client, volunteer, body):
    from tallies.api.calls import CallsRateThrottle

    monkeypatch.setattr(CallsRateThrottle, "THROTTLE_RATES", {"calls": "2/min"})
    client = token_client(volunteer)
    statuses = [post(client, body).status_code for _ in range(3)]

    assert statuses == [HTTPStatus.CREATED, HTTPStatus.CREATED, HTTPStatus.TOO_MANY_REQUESTS]
    refused = post(client, body)
    assert refused.json()["error"]["code"] == "throttled"
    assert 0 < int(refused["Retry-After"]) <= 60


def test_another_process_reads_a_published_token_from_redis_not_the_database(
    settings_high_limit, token_client, volunteer, body
):
    from accounts.api import token_cache

    client = token_client(volunteer)
    for _ in range(2):  # the first read learns the user, the second publishes the entry under the generation
        assert post(client, body).status_code == HTTPStatus.CREATED
    token_cache.clear()  # a process that has never seen this token
    fast_path_caches.clear_process_caches()
    post(client, body)  # warms that process's campaign and officials caches

    token_cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = post(client, body)

    assert response.status_code == HTTPStatus.CREATED
    assert len(queries.captured_queries) == 1
    assert queries.captured_queries[0]["sql"].startswith(CALL_STATEMENT)


def test_the_fast_paths_errors_speak_the_language_asked_for(settings, token_client, volunteer, body):
    settings.CALLS_PER_OFFICE_PER_DAY = 1
    client = token_client(volunteer)
    assert post(client, body).status_code == HTTPStatus.CREATED
    english = post(client, body)
    assert english.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert english.json()["error"]["message"].startswith("You have already logged 1 calls")
    spanish = post(client, body, HTTP_ACCEPT_LANGUAGE="es")
    assert spanish.json()["error"]["message"].startswith("Ya registraste 1 llamadas")
    assert spanish["Content-Language"] == "es"
    assert "Accept-Language" in spanish["Vary"]
    asked = client.post(f"{CALLS}?lang=es", body, format="json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))
    assert asked.json()["error"]["message"].startswith("Ya registraste")
    unknown = client.post(f"{CALLS}?lang=xx", body, format="json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))
    assert unknown.status_code == HTTPStatus.BAD_REQUEST
    assert unknown.json()["error"]["fields"]["lang"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
def test_the_call_insert_is_planned_once_per_connection(settings_high_limit, token_client, volunteer, body):
    client = token_client(volunteer)
    for _ in range(3):
        assert post(client, body).status_code == HTTPStatus.CREATED

    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert len(prepared) == 1
    assert prepared[0].startswith(CALL_STATEMENT)


def test_a_logged_prepared_statement_shows_its_values(settings_high_limit, token_client, volunteer, body):
    client = token_client(volunteer)
    post(client, body)
    with CaptureQueriesContext(connection) as queries:
        post(client, body)

    (insert,) = [q["sql"] for q in queries.captured_queries if q["sql"].startswith(CALL_STATEMENT)]
    assert f"'{body['outcome']}'" in insert  # the statement as run, not its placeholders
