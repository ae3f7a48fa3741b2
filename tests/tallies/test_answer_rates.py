"""Answer rates (per office and per number, local hour and weekday, 90 days, a minimum sample),
the number dialled on every path, and the next number offered after a busy line or a full mailbox."""

import datetime as dt
import uuid
from http import HTTPStatus
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from officials.models import ContactPoint
from tallies.models import CallLog, Outcome
from tallies.rollups import rollup_calls
from tallies.selectors import MIN_CALLS, next_number_advice, tally_answer_rates
from tests.factories.officials import ContactPointFactory
from tests.factories.tallies import CallLogFactory

pytestmark = pytest.mark.django_db

CHICAGO = ZoneInfo("America/Chicago")


@pytest.fixture
def ag(offices):
    return offices["attorney_general"]


@pytest.fixture
def capitol(ag):
    return ag.contact_points.get()


@pytest.fixture
def district(ag):
    return ContactPointFactory(
        office=ag, value="+18168893300", label="Kansas City office", is_capitol=False, position=1
    )


def local(days_ago: int, hour: int) -> dt.datetime:
    """A moment `days_ago` days back at this hour in St. Louis (the office's time)."""
    day = timezone.now().astimezone(CHICAGO).date() - dt.timedelta(days=days_ago)
    return dt.datetime.combine(day, dt.time(hour, 10), tzinfo=CHICAGO)


@pytest.fixture
def history(national_campaign, ag, capitol, district):
    """The capitol line answers at 10 am and is busy at 4 pm; the district office answers at 4 pm."""
    for n in range(12):
        moment = local(7 * (n % 3) + 1, 10)
        CallLogFactory(campaign=national_campaign, office=ag, contact_point=capitol, created_at=moment)
        outcome = Outcome.BUSY if n % 4 else Outcome.REACHED
        CallLogFactory(
            campaign=national_campaign, office=ag, contact_point=capitol, outcome=outcome, created_at=local(1, 16)
        )
    for _ in range(6):
        CallLogFactory(campaign=national_campaign, office=ag, contact_point=district, created_at=local(1, 16))
    # Older than 90 days, and a skip: neither counts.
    CallLogFactory(campaign=national_campaign, office=ag, contact_point=capitol, created_at=local(120, 10))
    CallLogFactory(campaign=national_campaign, office=ag, outcome=Outcome.SKIPPED, created_at=local(1, 10))
    rollup_calls()
    # The live tail above the rollup's mark counts too.
    CallLogFactory(campaign=national_campaign, office=ag, contact_point=capitol, created_at=local(1, 10))


def test_rates_are_per_number_by_local_weekday_and_hour_over_90_days(history, ag, capitol, district):
    rates = tally_answer_rates(offices=[ag])[ag.pk]

    assert rates.zone.key == "America/Chicago"
    assert rates.overall.calls == 31
    by_number = {r.contact_point.pk: r for r in rates.numbers}
    assert by_number[capitol.pk].calls == 25
    assert by_number[capitol.pk].rate(None, 10) == 1.0
    assert by_number[capitol.pk].rate(None, 16) == 0.25
    assert by_number[district.pk].rate(None, 16) == 1.0
    weekday = local(1, 16).isoweekday()
    assert by_number[district.pk].cells[(weekday, 16)] == (6, 6)
    assert by_number[capitol.pk].summary() == "Usually answered 10 a.m.–11 a.m.; busy after 4 p.m."


def test_below_the_minimum_sample_it_says_not_enough_calls_yet(national_campaign, ag, capitol):
    for _ in range(MIN_CALLS - 1):
        CallLogFactory(campaign=national_campaign, office=ag, contact_point=capitol, created_at=local(1, 10))
    rates = tally_answer_rates(offices=[ag])[ag.pk]

    assert rates.overall.summary() == "Not enough calls yet to say when this office answers."
    for _ in range(3):
        CallLogFactory(campaign=national_campaign, office=ag, created_at=local(2, 11), outcome=Outcome.BUSY)
    assert tally_answer_rates(offices=[ag])[ag.pk].overall.rate(None, 11) is None  # 3 calls: no rate


def test_after_busy_or_a_full_mailbox_the_next_number_is_offered_with_why(history, ag, capitol, district):
    rates = tally_answer_rates(offices=[ag])[ag.pk]
    at_four = local(0, 16)

    busy = next_number_advice(rates=rates, outcome=Outcome.BUSY, dialled_id=capitol.pk, now=at_four)
    full = next_number_advice(rates=rates, outcome=Outcome.VOICEMAIL_FULL, dialled_id=None, now=at_four)

    assert busy.contact_point == district
    assert busy.reason == (
        "The line was busy: try Kansas City office instead. It answered 100% of calls at this hour lately."
    )
    assert full.contact_point == district
    assert full.reason.startswith("The mailbox was full: Kansas City office may take your message.")
    assert next_number_advice(rates=rates, outcome=Outcome.REACHED, dialled_id=capitol.pk) is None
    assert (
        next_number_advice(rates=rates, outcome=Outcome.BUSY, dialled_id=district.pk, now=at_four).contact_point
        == capitol
    )


def test_the_api_documents_the_rates_of_an_office(client, history, ag, capitol):
    response = client.get(reverse("api:official-answer-rates", args=[ag.pk]))

    assert response.status_code == HTTPStatus.OK
    data = response.json()
    assert (data["time_zone"], data["window_days"], data["min_sample"]) == ("America/Chicago", 90, 5)
    capitol_rates = next(n for n in data["numbers"] if n["contact_point"] == capitol.pk)
    assert capitol_rates["number"] == capitol.value
    assert {"hour": 10, "calls": 13, "reached": 13, "rate": 1.0} in capitol_rates["by_hour"]
    assert client.get(reverse("api:official-answer-rates", args=[999999])).status_code == HTTPStatus.NOT_FOUND


def test_the_officials_page_shows_a_heat_map_and_the_call_card_one_line(client, history, ag, volunteer):
    page = client.get(reverse("tallies:office_detail", args=[ag.pk])).content.decode()
    assert 'class="heat-map"' in page
    assert "Usually answered 10 a.m.–11 a.m." in page

    client.force_login(volunteer)
    campaign = CallLog.objects.first().campaign
    card = client.get(reverse("campaigns:detail", args=[campaign.slug])).content.decode()
    # The office as a whole: at 4 pm the district office answers, so the hour is not "busy".
    assert "Usually answered 10 a.m.–11 a.m.</" in card.replace(" <a", "</")
    assert f'data-contact-point="{ag.contact_points.get(is_capitol=True).pk}"' in card


# --- the number dialled, on every path --------------------------------------------------------------
def page_post(client, campaign, ag, **extra):
    data = {
        "action": campaign.actions.get().pk,
        "office": ag.pk,
        "outcome": Outcome.BUSY,
        "idempotency_key": str(uuid.uuid4()),
        **extra,
    }
    return client.post(reverse("campaigns:call_log", args=[campaign.slug]), data, HTTP_HX_REQUEST="true")


def test_the_call_page_records_the_number_and_offers_the_next_one(
    client, volunteer, national_campaign, ag, capitol, district
):
    client.force_login(volunteer)

    response = page_post(client, national_campaign, ag, contact_point=capitol.pk)

    call = CallLog.objects.get()
    assert call.contact_point == capitol
    body = response.content.decode()
    assert "The line was busy: try Kansas City office instead." in body
    assert f'data-contact-point="{district.pk}"' in body


def test_a_number_of_another_office_is_refused_and_nothing_is_written(
    client, volunteer, national_campaign, ag, offices
):
    other = offices["governor"].contact_points.get()
    client.force_login(volunteer)

    response = page_post(client, national_campaign, ag, contact_point=other.pk)

    assert "That number is not one of this office&#x27;s." in response.content.decode()
    assert CallLog.objects.count() == 0


def test_the_note_opt_ins_are_off_by_default_and_a_signature_needs_sharing(client, volunteer, national_campaign, ag):
    client.force_login(volunteer)
    page_post(client, national_campaign, ag, note="kept private")
    page_post(client, national_campaign, ag, note="sign only", sign_note="1")
    page_post(client, national_campaign, ag, note="shared and signed", share_note="1", sign_note="1")

    flags = {c.note: (c.share_note, c.sign_note) for c in CallLog.objects.all()}
    assert flags == {"kept private": (False, False), "sign only": (False, False), "shared and signed": (True, True)}


def test_the_api_takes_the_number_and_the_opt_ins_and_old_clients_need_neither(
    api_client, volunteer, national_campaign, ag, capitol, offices
):
    api_client.force_authenticate(volunteer)
    body = {"campaign": national_campaign.slug, "action": national_campaign.actions.get().pk, "office": ag.pk}

    old = api_client.post("/api/v1/calls/", {**body, "outcome": "reached"}, format="json")
    new = api_client.post(
        "/api/v1/calls/",
        {**body, "outcome": "vm_full", "contact_point": capitol.pk, "note": "hi", "share_note": True},
        format="json",
    )
    wrong = api_client.post(
        "/api/v1/calls/",
        {**body, "outcome": "busy", "contact_point": offices["governor"].contact_points.get().pk},
        format="json",
    )

    assert old.status_code == HTTPStatus.CREATED
    assert old.json()["contact_point"] is None
    assert new.status_code == HTTPStatus.CREATED
    assert (new.json()["contact_point"], new.json()["share_note"], new.json()["sign_note"]) == (capitol.pk, True, False)
    assert wrong.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert wrong.json()["error"]["code"] == "unknown_contact_point"
    assert "contact_point" in wrong.json()["error"]["fields"]
    assert CallLog.objects.count() == 2


@pytest.mark.redis
def test_the_fast_path_records_the_number(token_client, volunteer, national_campaign, ag, capitol):
    client = token_client(volunteer)
    body = {
        "campaign": national_campaign.slug,
        "action": national_campaign.actions.get().pk,
        "office": ag.pk,
        "outcome": "busy",
        "contact_point": capitol.pk,
        "note": "n",
        "share_note": True,
        "sign_note": True,
    }
    response = client.post("/api/v1/calls/", body, format="json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))

    assert response.status_code == HTTPStatus.CREATED
    call = CallLog.objects.get()
    assert (call.contact_point_id, call.share_note, call.sign_note) == (capitol.pk, True, True)


def test_the_batch_records_the_number_and_refuses_a_wrong_one_alone(
    api_client, volunteer, national_campaign, ag, capitol, offices
):
    api_client.force_authenticate(volunteer)
    item = {"campaign": national_campaign.slug, "action": national_campaign.actions.get().pk, "office": ag.pk}
    calls = [
        {**item, "outcome": "busy", "contact_point": capitol.pk, "idempotency_key": "a"},
        {
            **item,
            "outcome": "busy",
            "contact_point": offices["governor"].contact_points.get().pk,
            "idempotency_key": "b",
        },
        {**item, "outcome": "reached", "idempotency_key": "c"},
    ]
    response = api_client.post("/api/v1/calls/batch/", {"calls": calls}, format="json")

    assert response.status_code in (HTTPStatus.OK, HTTPStatus.CREATED, HTTPStatus.MULTI_STATUS)
    results = [r["result"] for r in response.json()["results"]]
    assert results == ["created", "error", "created"]
    assert response.json()["results"][1]["error"]["fields"] == {
        "contact_point": ["That number is not one of this office's."]
    }
    assert sorted(CallLog.objects.values_list("contact_point_id", flat=True), key=str) == sorted(
        [capitol.pk, None], key=str
    )
    assert ContactPoint.objects.filter(pk=capitol.pk).exists()


def test_without_javascript_the_next_number_comes_in_the_confirmation(
    client, volunteer, national_campaign, ag, capitol, district
):
    client.force_login(volunteer)
    data = {
        "action": national_campaign.actions.get().pk,
        "office": ag.pk,
        "outcome": Outcome.VOICEMAIL_FULL,
        "idempotency_key": str(uuid.uuid4()),
        "contact_point": capitol.pk,
    }
    response = client.post(reverse("campaigns:call_log", args=[national_campaign.slug]), data, follow=True)

    body = response.content.decode()
    start = body.find("Thank you! Logged")
    assert "The mailbox was full: Kansas City office may take your message." in body, body[start : start + 400]
