import uuid
from http import HTTPStatus

import pytest

from tallies.api.calls import CallsRateThrottle
from tallies.models import CallLog

CALLS = "/api/v1/calls/"


@pytest.fixture
def body(demo, call_action, mo):
    return {"campaign": demo.slug, "action": call_action.pk, "office": mo["attorney_general"].pk, "outcome": "reached"}


def post_call(client, body):
    return client.post(CALLS, body, format="json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))


def rates(monkeypatch, calls):
    # DRF reads the rates once, at import, into a class attribute.
    monkeypatch.setattr(CallsRateThrottle, "THROTTLE_RATES", {"calls": calls})


def test_calls_over_the_calls_rate_are_refused_with_429_and_a_retry_after(monkeypatch, token_client, volunteer, body):
    rates(monkeypatch, "3/min")
    client = token_client(volunteer)
    statuses = [post_call(client, body).status_code for _ in range(4)]
    assert statuses == [HTTPStatus.CREATED] * 3 + [HTTPStatus.TOO_MANY_REQUESTS]
    refused = post_call(client, body)
    assert refused.json()["error"]["code"] == "throttled"
    assert 0 < int(refused["Retry-After"]) <= 60
    assert CallLog.objects.count() == 3


def test_each_volunteer_has_their_own_calls_allowance(monkeypatch, token_client, volunteer, chapter_lead, body):
    rates(monkeypatch, "1/min")
    volunteer_client = token_client(volunteer)
    assert post_call(volunteer_client, body).status_code == HTTPStatus.CREATED
    assert post_call(volunteer_client, body).status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert post_call(token_client(chapter_lead), body).status_code == HTTPStatus.CREATED


def test_a_call_is_still_logged_when_the_throttle_cache_is_down(monkeypatch, token_client, volunteer, body, redis_down):
    # The project's Redis cache pointed where nothing listens: the backend fails soft, and no
    # throttle or rate limit catches cache errors itself.
    rates(monkeypatch, "1/min")
    client = token_client(volunteer)
    for _ in range(2):  # over the rate: nothing can count while Redis is down, so nothing is refused
        response = post_call(client, body)
        assert response.status_code == HTTPStatus.CREATED
        assert CallLog.objects.filter(pk=response.json()["id"]).exists()
