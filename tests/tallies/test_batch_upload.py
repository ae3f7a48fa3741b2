"""POST /api/v1/calls/batch/: calls logged offline, one result per item, safe to send again."""

from datetime import UTC, timedelta
from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from officials.models import Term
from tallies.models import CallLog, Source
from tallies.services import TooManyCallsToOffice, call_log_create, call_log_create_batch
from tallies.sql.writes import PLACES_LEFT
from tests.factories.campaigns import ActionFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/calls/batch/"


def _item(campaign, office, key, **extra):
    return {
        "campaign": campaign.slug,
        "action": campaign.actions.get().pk,
        "office": office.pk,
        "outcome": "reached",
        "idempotency_key": key,
        **extra,
    }


def test_valid_items_are_logged_and_refused_ones_get_their_own_error_in_order(
    token_client, volunteer, national_campaign, offices
):
    ag, doj = offices["attorney_general"], offices["doj"]
    stamp = (timezone.now() - timedelta(days=2)).replace(microsecond=0)
    calls = [
        _item(national_campaign, ag, "k-1", client_timestamp=stamp.isoformat(), note=" staffer said no "),
        _item(national_campaign, ag, "k-2", outcome="sent"),
        {**_item(national_campaign, ag, "k-3"), "campaign": "no-such-campaign"},
        _item(national_campaign, doj, "k-4", outcome="voicemail"),
        _item(national_campaign, ag, "k-5", client_timestamp=(timezone.now() - timedelta(days=40)).isoformat()),
        {**_item(national_campaign, ag, "k-6"), "office": 10**12},
    ]

    response = token_client(volunteer).post(URL, {"calls": calls}, format="json")

    assert response.status_code == HTTPStatus.OK
    body = response.json()
    assert [r["result"] for r in body["results"]] == ["created", "error", "error", "created", "error", "error"]
    assert [r["index"] for r in body["results"]] == list(range(6))
    assert (body["created"], body["duplicates"], body["errors"]) == (2, 0, 4)
    assert [body["results"][i]["error"]["code"] for i in (1, 2, 4, 5)] == [
        "outcome_not_for_action",
        "not_found",
        "client_timestamp_out_of_range",
        "unknown_office",
    ]
    assert list(body["results"][4]["error"]["fields"]) == ["client_timestamp"]
    first = CallLog.objects.get(pk=body["results"][0]["id"])
    assert (first.source, first.note, first.client_timestamp.isoformat()) == (
        Source.BATCH,
        "staffer said no",
        stamp.astimezone(UTC).isoformat(),
    )
    assert first.person == Term.objects.current().get(office=ag).person
    assert first.chapter_id == volunteer.memberships.get().chapter_id
    assert CallLog.objects.count() == 2


def test_an_item_the_schema_refuses_refuses_the_whole_batch_and_logs_nothing(
    token_client, volunteer, national_campaign, offices
):
    ag = offices["attorney_general"]
    calls = [
        _item(national_campaign, ag, "k-1"),
        _item(national_campaign, ag, "k-2", outcome="maybe"),
        "not an object",
        {**_item(national_campaign, ag, "k-4"), "idempotency_key": None},
        {key: value for key, value in _item(national_campaign, ag, "k-5").items() if key != "outcome"},
    ]

    response = token_client(volunteer).post(URL, {"calls": calls}, format="json")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert set(error["fields"]) == {
        "calls.1.outcome",
        "calls.2.non_field_errors",
        "calls.3.idempotency_key",
        "calls.4.outcome",
    }
    assert CallLog.objects.count() == 0


def test_sending_the_same_batch_again_logs_nothing_new(token_client, volunteer, national_campaign, offices):
    client = token_client(volunteer)
    calls = [_item(national_campaign, offices["attorney_general"], f"retry-{n}") for n in range(3)]
    first = client.post(URL, {"calls": calls}, format="json").json()

    again = client.post(URL, {"calls": calls}, format="json").json()

    # The per-office limit (3 a day) is full, yet a batch sent again is still all duplicates.
    assert (again["created"], again["duplicates"], again["errors"]) == (0, 3, 0)
    assert [r["id"] for r in again["results"]] == [r["id"] for r in first["results"]]
    assert CallLog.objects.count() == 3


def test_a_key_reused_with_another_call_is_an_error_for_that_item_only(
    token_client, volunteer, national_campaign, offices
):
    client = token_client(volunteer)
    ag = offices["attorney_general"]
    client.post(URL, {"calls": [_item(national_campaign, ag, "used")]}, format="json")

    body = client.post(
        URL,
        {"calls": [_item(national_campaign, ag, "used", outcome="busy"), _item(national_campaign, ag, "fresh")]},
        format="json",
    ).json()

    assert [r["result"] for r in body["results"]] == ["error", "created"]
    assert body["results"][0]["error"]["code"] == "idempotency_key_reused"
    assert CallLog.objects.filter(idempotency_key="used").get().outcome == "reached"


def test_a_key_repeated_inside_one_batch_is_logged_once(volunteer, national_campaign, offices):
    ag = offices["attorney_general"]
    items = [
        _item(national_campaign, ag, "twice"),
        _item(national_campaign, ag, "twice"),
        _item(national_campaign, ag, "twice", outcome="busy"),
    ]

    results = call_log_create_batch(user=volunteer, items=items)

    assert [r.status for r in results] == ["created", "duplicate", "error"]
    assert results[1].id == results[0].id
    assert CallLog.objects.count() == 1


def test_another_volunteers_chapter_campaign_is_refused(token_client, other_member, chapter_campaign, offices):
    body = (
        token_client(other_member)
        .post(URL, {"calls": [_item(chapter_campaign, offices["attorney_general"], "k")]}, format="json")
        .json()
    )

    assert body["results"][0]["result"] == "error"
    assert body["results"][0]["error"]["code"] == "not_found"  # as for a campaign that does not exist
    assert not CallLog.objects.exists()


def test_a_member_logs_calls_for_their_chapters_campaign(token_client, volunteer, chapter, chapter_campaign, offices):
    body = (
        token_client(volunteer)
        .post(URL, {"calls": [_item(chapter_campaign, offices["attorney_general"], "k")]}, format="json")
        .json()
    )

    assert body["results"][0]["result"] == "created"
    assert CallLog.objects.get().chapter_id == chapter.pk


def test_an_office_that_is_not_a_target_and_a_closed_campaign_are_item_errors(
    token_client, volunteer, national_campaign, chapter_campaign, offices
):
    chapter_campaign.status = "archived"
    chapter_campaign.save()
    calls = [
        _item(national_campaign, offices["governor"], "not-a-target"),
        _item(chapter_campaign, offices["attorney_general"], "closed"),
    ]

    body = token_client(volunteer).post(URL, {"calls": calls}, format="json").json()

    assert "office" in body["results"][0]["error"]["fields"]
    assert "campaign" in body["results"][1]["error"]["fields"]
    assert not CallLog.objects.exists()


@pytest.mark.parametrize(
    "payload",
    [[], {}, {"calls": []}, {"calls": "x"}, {"calls": None}, "calls", 17],
    ids=["a-list", "no-calls", "empty", "a-string", "null", "a-string-body", "a-number"],
)
def test_a_malformed_body_is_a_400_in_the_error_shape(token_client, volunteer, payload):
    response = token_client(volunteer).post(URL, payload, format="json")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["error"]["code"]


def test_more_than_a_thousand_items_is_a_400(token_client, volunteer, national_campaign, offices):
    calls = [_item(national_campaign, offices["attorney_general"], "k")] * 1001

    response = token_client(volunteer).post(URL, {"calls": calls}, format="json")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "1000" in response.json()["error"]["message"]
    assert not CallLog.objects.exists()


def test_a_batch_needs_authentication(api_client):
    assert api_client.post(URL, {"calls": []}, format="json").status_code == HTTPStatus.UNAUTHORIZED


def test_a_big_batch_takes_a_few_queries_not_one_per_item(volunteer, national_campaign, offices):
    # One caller logs at most 3 calls per action and office a day: 500 calls need 84 actions.
    first = national_campaign.actions.get()
    actions = [
        ActionFactory(campaign=national_campaign, target_roles=first.target_roles, target_offices=[offices["doj"]])
        for _ in range(84)
    ]
    items = [
        {
            "campaign": national_campaign.slug,
            "action": actions[n // 6].pk,
            "office": offices["attorney_general" if n % 2 else "doj"].pk,
            "outcome": "voicemail",
            "idempotency_key": f"bulk-{n}",
        }
        for n in range(500)
    ]

    with CaptureQueriesContext(connection) as queries:
        results = call_log_create_batch(user=volunteer, items=items)

    assert {r.status for r in results} == {"created"}
    assert CallLog.objects.filter(source=Source.BATCH).count() == 500
    # 12 as before, plus the keys already stored, the calls of the last 24 hours per office and the
    # caller's officials (one query for the ZIP map in force, one for the ZIP, three more while the lookup
    # cache is cold).
    assert len(queries.captured_queries) <= 17


def test_each_target_of_a_batch_is_checked_once_whatever_the_number_of_items(
    volunteer, national_campaign, offices, monkeypatch
):
    from tallies.services import batch

    checked = []
    real = batch.call_rule_violation
    monkeypatch.setattr(batch, "call_rule_violation", lambda **kw: checked.append(kw["office"].pk) or real(**kw))
    doj, ag = offices["doj"], offices["attorney_general"]
    items = [_item(national_campaign, doj, f"same-{n}", outcome="voicemail") for n in range(40)]
    items += [_item(national_campaign, ag, f"ag-{n}") for n in range(3)]
    rep = offices["rep_1"]  # a representative: not a target of this action
    items += [_item(national_campaign, rep, f"rep-{n}", outcome="voicemail") for n in range(2)]

    results = call_log_create_batch(user=volunteer, items=items)

    assert sorted(checked) == sorted([doj.pk, ag.pk, rep.pk])  # three distinct targets, one check each
    # The shared answer still gives every item its own fate: the rule's error for each item it refuses.
    assert [r.status for r in results[-2:]] == ["error", "error"]
    assert results[-1].error["fields"].keys() == {"office"}
    # The per-office limit still counts item by item: three calls a day to the DoJ, then refusals.
    assert [r.status for r in results[:40]] == ["created"] * 3 + ["error"] * 37
    assert {r.error["code"] for r in results[3:40]} == {"too_many_calls_to_office"}
    assert [r.status for r in results[40:43]] == ["created"] * 3


@pytest.mark.postgres  # the array parameter is PostgreSQL's
def test_the_stored_keys_travel_as_one_array_not_an_in_list_as_long_as_the_batch(volunteer, national_campaign, offices):
    items = [_item(national_campaign, offices["doj"], f"array-{n}", outcome="voicemail") for n in range(300)]

    with CaptureQueriesContext(connection) as queries:
        call_log_create_batch(user=volunteer, items=items)

    key_reads = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT idempotency_key")]
    assert len(key_reads) == 1
    assert "idempotency_key = ANY(" in key_reads[0]
    assert " IN (" not in key_reads[0]


def test_one_per_office_limit_for_single_calls_and_batches(volunteer, national_campaign, offices, settings):
    """The batch reads what the caller has left from the same SQL rule as the single call's INSERT."""
    settings.CALLS_PER_OFFICE_PER_DAY = 4
    ag = offices["attorney_general"]
    action = national_campaign.actions.get()

    def single():
        return call_log_create(
            user=volunteer, campaign=national_campaign, action=action, office=ag, outcome="reached", source=Source.API
        )

    with CaptureQueriesContext(connection) as queries:
        single()
        single()
        results = call_log_create_batch(
            user=volunteer, items=[_item(national_campaign, ag, f"p-{n}") for n in range(3)]
        )

    assert [r.status for r in results] == ["created", "created", "error"]
    assert results[2].error["code"] == "too_many_calls_to_office"
    with pytest.raises(TooManyCallsToOffice):
        single()
    rule = PLACES_LEFT.replace("%(max_calls)s", "")  # the parameter is bound in the captured text
    places = [q["sql"] for q in queries.captured_queries if "GROUP BY recent.action_id" in q["sql"]]
    assert rule in _single_call_insert(queries)
    assert len(places) == 1
    assert rule in places[0]


def _single_call_insert(queries) -> str:
    """The INSERT a single call ran: on PostgreSQL inside the call function, whose source the database keeps."""
    if connection.vendor != "postgresql":
        return next(q["sql"] for q in queries.captured_queries if q["sql"].startswith("INSERT INTO tallies_calllog ("))
    (call,) = {q["sql"].split("(", 1)[0] for q in queries.captured_queries if "tallies_call_insert_" in q["sql"]}
    with connection.cursor() as cursor:
        cursor.execute("SELECT prosrc FROM pg_proc WHERE proname = %s", [call.removeprefix("SELECT * FROM ").strip()])
        return cursor.fetchone()[0]
