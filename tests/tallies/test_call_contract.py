"""The call endpoint's contract on every path: tokens of unverified users, Retry-After, outcomes per action kind,
client timestamps, reads with their own allowance, the fast path's headers."""

import uuid
from datetime import timedelta
from http import HTTPStatus

import pytest
from allauth.account.models import EmailAddress
from django.test import override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.services import api_token_create
from tallies.models import CallLog
from tests.factories.accounts import UserFactory
from tests.factories.campaigns import ActionFactory

pytestmark = [pytest.mark.django_db, pytest.mark.redis]

CALLS = "/api/v1/calls/"
BATCH = "/api/v1/calls/batch/"


@pytest.fixture
def body(national_campaign, offices):
    return {
        "campaign": national_campaign.slug,
        "action": national_campaign.actions.get().pk,
        "office": offices["doj"].pk,
        "outcome": "reached",
    }


def _token(user) -> APIClient:
    _, key = api_token_create(user=user, name="contract")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def post(client, body, **extra):
    return client.post(CALLS, body, format="json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()), **extra)


# --- tokens of users whose email address is not verified ----------------------------------------


def test_a_token_of_an_unverified_user_is_refused_on_the_single_and_batch_paths(body):
    user = UserFactory(email="unverified@example.org", verified=False)
    client = _token(user)

    single = post(client, body)
    batch = client.post(BATCH, {"calls": [{**body, "idempotency_key": "k1"}]}, format="json")
    me = client.get("/api/v1/me/")

    for response in (single, batch, me):
        assert response.status_code == HTTPStatus.FORBIDDEN, response.content
        assert response.json()["error"]["code"] == "email_unverified"
    assert not CallLog.objects.exists()


def test_a_token_stops_working_when_its_users_address_is_no_longer_verified(volunteer, body):
    client = _token(volunteer)
    assert post(client, body).status_code == HTTPStatus.CREATED
    assert post(client, body).status_code == HTTPStatus.CREATED  # now published in Redis and trusted

    EmailAddress.objects.filter(user=volunteer).update(verified=False)  # no signal: as a raw write
    EmailAddress.objects.get(user=volunteer).save()  # the signal: every process drops the cached entry

    response = post(client, body)
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert response.json()["error"]["code"] == "email_unverified"
    assert CallLog.objects.count() == 2


# --- Retry-After on every 429 --------------------------------------------------------------------


@pytest.mark.parametrize("path", ["fast", "view"])
def test_the_per_office_429_says_when_the_oldest_call_leaves_the_24_hour_window(
    path, volunteer, body, token_client, settings
):
    if path == "fast":
        client = token_client(volunteer)
    else:
        client = APIClient()
        client.force_authenticate(volunteer)
    for _ in range(3):
        assert post(client, body).status_code == HTTPStatus.CREATED
    oldest = CallLog.objects.order_by("created_at").first()
    CallLog.objects.filter(pk=oldest.pk).update(created_at=timezone.now() - timedelta(hours=20))

    refused = post(client, body)

    assert refused.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert refused.json()["error"]["code"] == "too_many_calls_to_office"
    # 4 hours left, give or take the test's own seconds
    assert 4 * 3600 - 60 <= int(refused["Retry-After"]) <= 4 * 3600


# --- outcomes that fit the action's kind ---------------------------------------------------------


@pytest.mark.parametrize("path", ["fast", "view", "batch"])
def test_voicemail_on_a_write_action_is_refused_on_every_path(path, volunteer, national_campaign, offices):
    action = ActionFactory(campaign=national_campaign, kind="write", target_roles=[], target_offices=[offices["doj"]])
    call = {
        "campaign": national_campaign.slug,
        "action": action.pk,
        "office": offices["doj"].pk,
        "outcome": "voicemail",
    }
    if path == "view":
        client = APIClient()
        client.force_authenticate(volunteer)
    else:
        client = _token(volunteer)

    if path == "batch":
        response = client.post(BATCH, {"calls": [{**call, "idempotency_key": "w1"}]}, format="json")
        assert response.status_code == HTTPStatus.OK
        error = response.json()["results"][0]["error"]
    else:
        response = post(client, call)
        assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY, response.content
        error = response.json()["error"]
    assert error["code"] == "outcome_not_for_action"
    assert "outcome" in error["fields"]
    assert not CallLog.objects.exists()

    assert post(client, {**call, "outcome": "sent"}).status_code == HTTPStatus.CREATED


def test_sent_on_a_call_action_is_refused(volunteer, body, token_client):
    response = post(token_client(volunteer), {**body, "outcome": "sent"})

    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert response.json()["error"]["code"] == "outcome_not_for_action"
    assert "outcome" in response.json()["error"]["fields"]


# --- client timestamps ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["fast", "view", "batch"])
@pytest.mark.parametrize(
    ("offset", "accepted"),
    [
        (timedelta(minutes=11), False),
        (timedelta(days=365 * 4), False),
        (timedelta(minutes=9), True),
        (-timedelta(days=29), True),
        (-timedelta(days=31), False),
    ],
)
def test_client_timestamps_more_than_10_minutes_ahead_or_30_days_old_are_refused(
    path, offset, accepted, volunteer, body
):
    stamp = (timezone.now() + offset).isoformat()
    if path == "view":
        client = APIClient()
        client.force_authenticate(volunteer)
    else:
        client = _token(volunteer)

    if path == "batch":
        response = client.post(
            BATCH, {"calls": [{**body, "client_timestamp": stamp, "idempotency_key": "t1"}]}, format="json"
        )
        result = response.json()["results"][0]
        assert (result["result"] == "created") is accepted, result
        if not accepted:
            assert result["error"]["code"] == "client_timestamp_out_of_range"
            assert "client_timestamp" in result["error"]["fields"]
    else:
        response = post(client, {**body, "client_timestamp": stamp})
        assert (response.status_code == HTTPStatus.CREATED) is accepted, response.content
        if not accepted:
            # The schema allows any time of the right form; the server's clock refuses this one.
            assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
            assert response.json()["error"]["code"] == "client_timestamp_out_of_range"
            assert "client_timestamp" in response.json()["error"]["fields"]


# --- reads have their own allowance --------------------------------------------------------------


def test_reading_my_calls_does_not_spend_the_call_logging_allowance(volunteer, body, token_client, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "calls": "3/min"},
    }
    from tallies.rate_limits import CallsRateThrottle

    rates = {**CallsRateThrottle.THROTTLE_RATES, "calls": "3/min"}
    client = token_client(volunteer)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(CallsRateThrottle, "THROTTLE_RATES", rates)
        for _ in range(5):
            assert client.get(CALLS).status_code == HTTPStatus.OK
        assert post(client, body).status_code == HTTPStatus.CREATED


# --- the fast path's headers are the view's ------------------------------------------------------


def test_the_fast_path_sends_the_security_headers_and_vary_of_the_view(volunteer, body, settings):
    client = _token(volunteer)
    fast = post(client, body)
    refused_fast = post(client, {**body, "campaign": "no-such-campaign"})
    without_fast_path = [name for name in settings.MIDDLEWARE if not name.endswith("CallFastPathMiddleware")]
    with override_settings(MIDDLEWARE=without_fast_path):
        view = post(client, body)
        refused_view = post(client, {**body, "campaign": "no-such-campaign"})

    assert fast.status_code == view.status_code == HTTPStatus.CREATED
    assert refused_fast.status_code == refused_view.status_code == HTTPStatus.NOT_FOUND
    for header in ("X-Frame-Options", "Content-Security-Policy", "Permissions-Policy", "Vary", "Allow"):
        assert fast.get(header), header
        assert fast[header] == view[header], header
        assert refused_fast[header] == refused_view[header], header


# --- cache keys per deployment; cached ids never reach a write unchecked -------------------------


def test_cache_keys_carry_a_per_deployment_prefix(settings, monkeypatch):
    from advocacy.settings.base import cache_key_prefix

    one = cache_key_prefix({"HOST": "db", "PORT": 5432, "NAME": "advocacy"})
    other = cache_key_prefix({"HOST": "db", "PORT": 5432, "NAME": "advocacy_staging"})
    assert one != other
    monkeypatch.setenv("CACHE_KEY_PREFIX", "site-a")
    assert cache_key_prefix({"NAME": "advocacy"}) == "site-a"
    assert settings.CACHES["default"]["KEY_PREFIX"] == settings.CACHE_KEY_PREFIX


def test_the_fast_paths_redis_keys_are_prefixed(volunteer, body, settings):
    from django.core.cache import cache

    client = _token(volunteer)
    assert post(client, body).status_code == HTTPStatus.CREATED

    raw = cache._cache.get_client(write=True)
    keys = [key.decode() for key in raw.scan_iter(match=f"*auth:generation:{volunteer.pk}")]
    assert keys
    assert all(key.startswith(f"{settings.CACHE_KEY_PREFIX}:") for key in keys), keys


def test_an_office_the_process_cache_still_holds_but_the_database_lost_is_a_422_not_a_write(volunteer, body, offices):
    from django.db import connection

    # The attorney general: one of the caller's officials by ZIP, which the rules take from the
    # process cache too, so nothing but the INSERT reads the office from the database.
    body = {**body, "office": offices["attorney_general"].pk}
    client = _token(volunteer)
    for _ in range(2):  # the office is now in the fast path's process cache
        assert post(client, body).status_code == HTTPStatus.CREATED
    with connection.cursor() as cursor:  # behind the signals' back: no generation is replaced
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        cursor.execute("CREATE TEMP TABLE lost AS SELECT * FROM officials_office WHERE id = %s", [body["office"]])
        cursor.execute("DELETE FROM officials_office WHERE id = %s", [body["office"]])

    response = post(client, body)

    with connection.cursor() as cursor:  # back, so the test database's constraints hold at the end
        cursor.execute("INSERT INTO officials_office SELECT * FROM lost")

    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY, response.content
    assert response.json()["error"]["code"] == "unknown_office"
    assert response.json()["error"]["fields"]["office"]
    assert CallLog.objects.count() == 2


def test_the_call_page_refuses_a_key_the_api_refuses(client, volunteer, body):
    client.force_login(volunteer)
    form = {"action": body["action"], "office": body["office"], "outcome": "reached", "note": ""}

    refused = client.post(
        f"/campaigns/{body['campaign']}/calls/", {**form, "idempotency_key": "clé"}, HTTP_HX_REQUEST="true"
    )
    assert refused.status_code == HTTPStatus.BAD_REQUEST
    assert not CallLog.objects.exists()

    client.post(f"/campaigns/{body['campaign']}/calls/", {**form, "idempotency_key": "k-1"}, HTTP_HX_REQUEST="true")
    assert CallLog.objects.count() == 1


def test_the_call_page_refuses_voicemail_on_a_write_action(client, volunteer, national_campaign, offices):
    action = ActionFactory(campaign=national_campaign, kind="write", target_roles=[], target_offices=[offices["doj"]])
    client.force_login(volunteer)

    client.post(
        f"/campaigns/{national_campaign.slug}/calls/",
        {"action": action.pk, "office": offices["doj"].pk, "outcome": "voicemail", "note": ""},
        HTTP_HX_REQUEST="true",
    )

    assert not CallLog.objects.exists()
