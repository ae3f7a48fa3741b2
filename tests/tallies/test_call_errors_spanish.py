"""Every error code POST /api/v1/calls/ can answer comes in Spanish with `Accept-Language: es`, on both paths."""

import uuid

import pytest
from django.conf import settings
from django.test import override_settings
from rest_framework.test import APIClient

from accounts.services import api_token_create
from tallies.rate_limits import CallsRateThrottle
from tests.factories.accounts import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.redis]

CALLS = "/api/v1/calls/"
WITHOUT_FAST_PATH = [name for name in settings.MIDDLEWARE if not name.endswith("CallFastPathMiddleware")]


def _client(user) -> APIClient:
    _, key = api_token_create(user=user, name="es")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def _both(client, body=None, *, raw=None, content_type="application/json", key=None):
    """(fast path answer, view answer) in Spanish and in English."""
    answers = []
    for middleware in (settings.MIDDLEWARE, WITHOUT_FAST_PATH):
        with override_settings(MIDDLEWARE=middleware):
            pair = []
            for language in ("es", "en"):
                extra = {"HTTP_ACCEPT_LANGUAGE": language, "HTTP_IDEMPOTENCY_KEY": key or str(uuid.uuid4())}
                if raw is not None:
                    response = client.post(CALLS, data=raw, content_type=content_type, **extra)
                else:
                    response = client.post(CALLS, body, format="json", **extra)
                pair.append(response)
            answers.append(pair)
    return answers


def _assert_spanish(answers, code):
    for spanish, english in answers:
        assert spanish.status_code == english.status_code
        es, en = spanish.json()["error"], english.json()["error"]
        assert es["code"] == en["code"] == code
        assert es["message"] != en["message"], (code, es["message"])
        assert spanish["Content-Language"] == "es"


def test_each_error_code_of_the_call_endpoint_is_answered_in_spanish(volunteer, national_campaign, offices, settings):
    settings.CALLS_PER_OFFICE_PER_DAY = 1
    client = _client(volunteer)
    good = {
        "campaign": national_campaign.slug,
        "action": national_campaign.actions.get().pk,
        "office": offices["doj"].pk,
        "outcome": "reached",
    }

    _assert_spanish(_both(client, {**good, "office": "x"}), "validation_error")
    _assert_spanish(_both(client, {**good, "office": 10**9}), "unknown_office")
    _assert_spanish(_both(client, {**good, "action": 10**9}), "unknown_action")
    _assert_spanish(
        _both(client, {**good, "client_timestamp": "2099-01-01T00:00:00Z"}), "client_timestamp_out_of_range"
    )
    _assert_spanish(_both(client, {**good, "outcome": "sent"}), "outcome_not_for_action")
    _assert_spanish(_both(client, {**good, "campaign": "no-such-campaign"}), "not_found")
    _assert_spanish(_both(client, raw=b"{nope"), "parse_error")
    _assert_spanish(
        _both(client, raw=b"{}", content_type="application/json; charset=latin-1"), "unsupported_media_type"
    )
    _assert_spanish(
        _both(client, raw=b"a=b", content_type="application/x-www-form-urlencoded"), "unsupported_media_type"
    )

    assert client.post(CALLS, good, format="json", HTTP_IDEMPOTENCY_KEY="k-es").status_code == 201
    _assert_spanish(_both(client, {**good, "note": "another"}, key="k-es"), "idempotency_key_reused")
    _assert_spanish(_both(client, good), "too_many_calls_to_office")

    no_zip = UserFactory(email="nozip@example.org", zip_code="", state="")
    ag = {**good, "office": offices["attorney_general"].pk}
    _assert_spanish(_both(_client(no_zip), ag), "zip_code_required")

    unverified = UserFactory(email="unverified-es@example.org", verified=False)
    _assert_spanish(_both(_client(unverified), good), "email_unverified")

    anonymous = APIClient()
    _assert_spanish(_both(anonymous, good), "not_authenticated")
    anonymous.credentials(HTTP_AUTHORIZATION="Token not-a-key")
    _assert_spanish(_both(anonymous, good), "authentication_failed")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(CallsRateThrottle, "THROTTLE_RATES", {"calls": "1/min"})
        throttled_client = _client(UserFactory(email="fast-es@example.org"))
        throttled_client.post(CALLS, good, format="json")
        _assert_spanish(_both(throttled_client, good), "throttled")
