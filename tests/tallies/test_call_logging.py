"""The lean one-call path: few queries, the holder and chapter inside the INSERT, a debounced nudge."""

import uuid
from datetime import timedelta
from http import HTTPStatus
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from officials.models import Term
from tallies import services
from tallies.models import CallLog
from tallies.services import CallRefused, call_log_create, nudge
from tests.factories.accounts import ChapterFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def _post(client, campaign, office, *, key=None, outcome="reached", note=""):
    action = campaign.actions.get()
    body = {"campaign": campaign.slug, "action": action.pk, "office": office.pk, "outcome": outcome, "note": note}
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post("/api/v1/calls/", body, format="json", **headers)


def test_logging_a_call_over_the_api_takes_at_most_five_queries_for_a_national_campaign(
    token_client, volunteer, national_campaign, offices
):
    client = token_client(volunteer)
    _post(client, national_campaign, offices["attorney_general"])  # writes last_used_at
    body = {
        "campaign": national_campaign.slug,
        "action": national_campaign.actions.get().pk,
        "office": offices["attorney_general"].pk,
        "outcome": "reached",
    }

    with CaptureQueriesContext(connection) as queries:
        response = client.post("/api/v1/calls/", body, format="json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))

    assert response.status_code == HTTPStatus.CREATED
    # token, action+campaign, office, the caller's ZIP districts (their officials come from the
    # lookup cache), INSERT with the per-office limit inside it (plus BEGIN/COMMIT where logged)
    statements = [q["sql"][:60] for q in queries.captured_queries if q["sql"] not in ("BEGIN", "COMMIT")]
    assert len(statements) <= 5, statements


def test_the_response_names_the_current_holder_without_reloading_the_person(
    token_client, volunteer, national_campaign, offices
):
    holder = Term.objects.current().get(office=offices["attorney_general"]).person

    response = _post(token_client(volunteer), national_campaign, offices["attorney_general"])

    assert response.status_code == HTTPStatus.CREATED
    assert (response.json()["person"], response.json()["person_name"]) == (holder.pk, holder.name)
    assert CallLog.objects.get(pk=response.json()["id"]).person == holder


def test_a_national_call_counts_for_the_callers_first_chapter(volunteer, chapter, national_campaign, offices):
    later = ChapterFactory()
    MembershipFactory(user=volunteer, chapter=later)

    call, created = call_log_create(
        user=volunteer,
        campaign=national_campaign,
        action=national_campaign.actions.get(),
        office=offices["doj"],
        outcome="voicemail",
    )

    assert created
    assert CallLog.objects.get(pk=call.pk).chapter_id == call.chapter_id == chapter.pk


def test_a_retry_returns_the_first_call_and_another_body_is_refused(
    token_client, volunteer, national_campaign, offices
):
    client = token_client(volunteer)
    first = _post(client, national_campaign, offices["attorney_general"], key="retry-1")
    again = _post(client, national_campaign, offices["attorney_general"], key="retry-1")
    other = _post(client, national_campaign, offices["attorney_general"], key="retry-1", outcome="busy")

    assert (first.status_code, again.status_code, other.status_code) == (
        HTTPStatus.CREATED,
        HTTPStatus.OK,
        HTTPStatus.UNPROCESSABLE_ENTITY,
    )
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["person_name"] == first.json()["person_name"]
    assert CallLog.objects.count() == 1


def test_an_office_that_is_a_fixed_target_but_not_a_role_is_accepted(volunteer, national_campaign, offices):
    _, created = call_log_create(
        user=volunteer,
        campaign=national_campaign,
        action=national_campaign.actions.get(),
        office=offices["doj"],
        outcome="voicemail",
    )

    assert created


def test_the_nudge_is_debounced_in_process_before_touching_redis(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    with (
        mock.patch.object(nudge, "_last_local_nudge", -float("inf")),
        mock.patch("django.core.cache.cache.add", return_value=True) as add,
        mock.patch("tallies.tasks.rollup_calls_task.apply_async") as send,
    ):
        for _ in range(100):
            services.rollup_nudge()

    assert add.call_count == 1
    assert send.call_count == 1


@pytest.mark.redis
def test_the_proposed_redis_cache_reuses_one_client_per_pool(settings):
    from advocacy.cache import RedisCache

    cache = RedisCache(settings.REDIS_URL, {"OPTIONS": {"socket_timeout": 0.5}})

    assert cache._cache.get_client(write=True) is cache._cache.get_client(write=True)
    cache.set("tallies-test-reuse", 7, timeout=5)
    assert cache.get("tallies-test-reuse") == 7


@pytest.mark.parametrize(
    ("field", "delta_days"),
    [("ends_at", -1), ("starts_at", 1)],
    ids=["ended", "not started"],
)
def test_a_campaign_outside_its_dates_accepts_no_calls(volunteer, national_campaign, offices, field, delta_days):
    setattr(national_campaign, field, timezone.now() + timedelta(days=delta_days))
    national_campaign.save()
    action = national_campaign.actions.get()
    with pytest.raises(CallRefused, match="not accepting calls"):
        call_log_create(
            user=volunteer,
            campaign=national_campaign,
            action=action,
            office=offices["attorney_general"],
            outcome="reached",
        )
