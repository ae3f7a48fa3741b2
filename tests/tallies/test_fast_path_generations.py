"""The call endpoint's process caches on the one generation helper: still one Redis round trip per warm call,
and without Redis configured (`make run`'s embedded cache) they still serve, and are still dropped on a write."""

import uuid
from http import HTTPStatus

import pytest
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from redis.connection import ConnectionPool

pytestmark = pytest.mark.django_db

CALLS = "/api/v1/calls/"


@pytest.fixture
def body(national_campaign, offices, settings):
    settings.CALLS_PER_OFFICE_PER_DAY = 100
    return {
        "campaign": national_campaign.slug,
        "action": national_campaign.actions.get().pk,
        "office": offices["attorney_general"].pk,
        "outcome": "reached",
    }


def post(client, body):
    return client.post(CALLS, body, format="json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))


@pytest.mark.redis
def test_a_warm_call_is_one_redis_round_trip(monkeypatch, token_client, volunteer, body):
    client = token_client(volunteer)
    for _ in range(3):  # the token learnt, published, then trusted; campaigns and officials cached
        assert post(client, body).status_code == HTTPStatus.CREATED
    borrowed = []
    original = ConnectionPool.get_connection

    def counting(self, *args, **kwargs):
        borrowed.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(ConnectionPool, "get_connection", counting)
    assert post(client, body).status_code == HTTPStatus.CREATED

    assert len(borrowed) == 1  # the Lua script: rate, token entry and every generation


@pytest.fixture
def embedded_cache():
    working = caches["default"]
    caches["default"] = LocMemCache("embedded", {})
    yield
    caches["default"] = working


def _campaign_reads(queries) -> int:
    return sum(1 for q in queries.captured_queries if 'FROM "campaigns_action"' in q["sql"])


def test_without_redis_the_campaigns_stay_cached_until_a_campaign_is_saved(
    embedded_cache, token_client, volunteer, body, national_campaign
):
    client = token_client(volunteer)
    assert post(client, body).status_code == HTTPStatus.CREATED
    with CaptureQueriesContext(connection) as warm:
        assert post(client, body).status_code == HTTPStatus.CREATED
    assert _campaign_reads(warm) == 0

    national_campaign.title = "Renamed"
    national_campaign.save()
    with CaptureQueriesContext(connection) as after_save:
        assert post(client, body).status_code == HTTPStatus.CREATED
    assert _campaign_reads(after_save) == 1


def _fixed_target_reads(queries) -> int:
    return sum(1 for q in queries.captured_queries if "campaigns_action_target_offices" in q["sql"])


def test_a_warm_call_to_a_fixed_target_asks_nothing_and_a_removed_target_is_refused_at_once(
    embedded_cache, token_client, volunteer, body, national_campaign, offices
):
    client = token_client(volunteer)
    to_doj = {**body, "office": offices["doj"].pk}
    assert post(client, to_doj).status_code == HTTPStatus.CREATED
    with CaptureQueriesContext(connection) as warm:
        assert post(client, to_doj).status_code == HTTPStatus.CREATED
    assert _fixed_target_reads(warm) == 0

    national_campaign.actions.get().target_offices.remove(offices["doj"])
    refused = post(client, to_doj)

    assert refused.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert refused.json()["error"]["code"] == "not_a_target"
