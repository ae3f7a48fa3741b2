"""What counts: the same rules for the call page, POST /api/v1/calls/ and the batch upload, side by side.

A call to an office targeted by role counts only from that office's constituents (the ZIP and
district on the caller's profile; every candidate district of a split ZIP); fixed targets are
open to everyone; at most 3 calls per caller, action and office in 24 hours; every call, batch
items included, takes one from the calls rate. Refused means not stored, with the reason shown.
"""

import datetime
import uuid
from http import HTTPStatus

import pytest
from django.urls import reverse

from officials.models import Division, OfficeRole
from tallies.models import CallLog
from tallies.rate_limits import CallsRateThrottle
from tests.factories.accounts import UserFactory
from tests.factories.campaigns import ActionFactory
from tests.factories.officials import DivisionFactory, seat

pytestmark = pytest.mark.django_db
CALLS = "/api/v1/calls/"
BATCH = "/api/v1/calls/batch/"


@pytest.fixture
def kansas_ag(db):
    kansas = DivisionFactory(
        ocd_id="ocd-division/country:us/state:ks", name="Kansas", kind=Division.Kind.STATE, state="KS"
    )
    return seat(
        role=OfficeRole.ATTORNEY_GENERAL,
        title="Attorney General of Kansas",
        division=kansas,
        person_name="Kris Kobach",
        party="Republican",
        phone="+17852962215",
    )


@pytest.fixture
def house_action(national_campaign):
    return ActionFactory(campaign=national_campaign, target_roles=[OfficeRole.US_HOUSE])


def _action(campaign):
    return campaign.actions.order_by("id").first()


def via_api(client, campaign, action, office, outcome="reached"):
    body = {"campaign": campaign.slug, "action": action.pk, "office": office.pk, "outcome": outcome}
    return client.post(CALLS, body, format="json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))


def via_batch(client, campaign, action, office, n=1):
    items = [
        {
            "campaign": campaign.slug,
            "action": action.pk,
            "office": office.pk,
            "outcome": "reached",
            "idempotency_key": str(uuid.uuid4()),
        }
        for _ in range(n)
    ]
    response = client.post(BATCH, {"calls": items}, format="json")
    assert response.status_code == HTTPStatus.OK, response.content
    return response.json()["results"]


def via_page(client, campaign, action, office):
    data = {
        "action": action.pk,
        "office": office.pk,
        "outcome": "voicemail",
        "idempotency_key": str(uuid.uuid4()),
        "note": "",
    }
    return client.post(reverse("campaigns:call_log", args=[campaign.slug]), data, HTTP_HX_REQUEST="true")


@pytest.fixture
def ways(client, token_client):
    """ways(user) -> the three ways of logging one call, each returning (stored?, what the caller saw)."""

    def make(user):
        api = token_client(user)
        client.force_login(user)

        def api_way(campaign, action, office):
            response = via_api(api, campaign, action, office)
            return response.status_code in (HTTPStatus.CREATED, HTTPStatus.OK), response.json()

        def batch_way(campaign, action, office):
            [result] = via_batch(api, campaign, action, office)
            return result["result"] == "created", result

        def page_way(campaign, action, office):
            response = via_page(client, campaign, action, office)
            assert response.status_code == HTTPStatus.OK  # htmx swaps the answer in: 2xx only
            return "Thank you! Logged" in response.content.decode(), response.content.decode()

        return {"api": api_way, "batch": batch_way, "page": page_way}

    return make


@pytest.mark.parametrize("way", ["api", "batch", "page"])
def test_a_missouri_caller_cannot_log_a_call_to_the_kansas_attorney_general(
    way, ways, volunteer, national_campaign, kansas_ag
):
    stored, seen = ways(volunteer)[way](national_campaign, _action(national_campaign), kansas_ag)

    assert not stored
    assert "not one of your officials" in str(seen)
    assert not CallLog.objects.exists()


def test_the_api_answers_422_for_another_states_official(token_client, volunteer, national_campaign, kansas_ag):
    response = via_api(token_client(volunteer), national_campaign, _action(national_campaign), kansas_ag)
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert response.json()["error"]["code"] == "not_a_constituent"
    assert "office" in response.json()["error"]["fields"]


@pytest.mark.parametrize("way", ["api", "batch", "page"])
def test_a_caller_without_a_zip_is_told_to_set_it_but_may_call_a_fixed_target(
    way, ways, chapter, national_campaign, offices
):
    user = UserFactory(zip_code="", state="")
    log = ways(user)[way]
    action = _action(national_campaign)

    stored, seen = log(national_campaign, action, offices["attorney_general"])
    assert not stored
    assert "Set your ZIP code on your profile" in str(seen)
    if way != "page":
        assert "zip_code_required" in str(seen)
    assert not CallLog.objects.exists()

    stored, _ = log(national_campaign, action, offices["doj"])
    assert stored
    assert CallLog.objects.get().office == offices["doj"]


def test_no_zip_is_a_422_from_the_api(token_client, national_campaign, offices):
    user = UserFactory(zip_code="", state="")
    response = via_api(token_client(user), national_campaign, _action(national_campaign), offices["attorney_general"])
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert response.json()["error"]["code"] == "zip_code_required"


@pytest.mark.parametrize("way", ["api", "batch", "page"])
def test_every_candidate_district_of_a_split_zip_is_the_callers_until_one_is_chosen(
    way, ways, national_campaign, house_action, offices
):
    user = UserFactory(zip_code="63103", state="MO")
    log = ways(user)[way]

    assert log(national_campaign, house_action, offices["rep_1"])[0]
    assert log(national_campaign, house_action, offices["rep_2"])[0]
    assert not log(national_campaign, house_action, offices["rep_3"])[0]

    user.district_ocd_id = "ocd-division/country:us/state:mo/cd:1"
    user.save()
    assert log(national_campaign, house_action, offices["rep_1"])[0]
    assert not log(national_campaign, house_action, offices["rep_2"])[0]
    assert CallLog.objects.filter(user=user).count() == 3


@pytest.mark.parametrize("way", ["api", "batch", "page"])
def test_the_fourth_call_to_one_office_in_a_day_is_refused_and_not_stored(
    way, ways, volunteer, national_campaign, offices
):
    log = ways(volunteer)[way]
    action, ag = _action(national_campaign), offices["attorney_general"]

    assert [log(national_campaign, action, ag)[0] for _ in range(3)] == [True, True, True]
    stored, seen = log(national_campaign, action, ag)

    assert not stored
    assert "already logged 3 calls to this office" in str(seen)
    assert CallLog.objects.count() == 3
    # Another office, or the same office a day later, counts again.
    assert log(national_campaign, action, offices["senator_1"])[0]
    CallLog.objects.filter(office=ag).update(
        created_at=datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=25)
    )
    assert log(national_campaign, action, ag)[0]


def test_the_api_answers_429_too_many_calls_to_office(token_client, volunteer, national_campaign, offices):
    client = token_client(volunteer)
    action, ag = _action(national_campaign), offices["attorney_general"]
    for _ in range(3):
        assert via_api(client, national_campaign, action, ag).status_code == HTTPStatus.CREATED

    refused = via_api(client, national_campaign, action, ag)

    assert refused.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert refused.json()["error"]["code"] == "too_many_calls_to_office"
    assert CallLog.objects.count() == 3


def test_a_replay_of_a_logged_call_still_answers_200_once_the_limit_is_reached(
    token_client, volunteer, national_campaign, offices
):
    client = token_client(volunteer)
    body = {
        "campaign": national_campaign.slug,
        "action": _action(national_campaign).pk,
        "office": offices["attorney_general"].pk,
        "outcome": "reached",
    }
    first = client.post(CALLS, body, format="json", HTTP_IDEMPOTENCY_KEY="replay-me")
    for _ in range(2):
        via_api(client, national_campaign, _action(national_campaign), offices["attorney_general"])

    again = client.post(CALLS, body, format="json", HTTP_IDEMPOTENCY_KEY="replay-me")

    assert again.status_code == HTTPStatus.OK
    assert again.json()["id"] == first.json()["id"]


def test_batch_items_past_the_limit_get_their_own_error(token_client, volunteer, national_campaign, offices):
    """The incident: 3 batches of 1,000 calls to one office lifted a tally by 3,000."""
    client = token_client(volunteer)
    action = _action(national_campaign)

    results = via_batch(client, national_campaign, action, offices["attorney_general"], n=1000)
    results += via_batch(client, national_campaign, action, offices["attorney_general"], n=1000)

    assert [r["result"] for r in results[:3]] == ["created"] * 3
    assert {r["error"]["code"] for r in results[3:]} == {"too_many_calls_to_office"}
    assert CallLog.objects.count() == 3


def test_every_batch_item_takes_one_call_from_the_calls_rate(
    monkeypatch, token_client, volunteer, national_campaign, offices
):
    monkeypatch.setattr(CallsRateThrottle, "THROTTLE_RATES", {"calls": "5/min"})
    client = token_client(volunteer)
    action = _action(national_campaign)
    items = [
        {
            "campaign": national_campaign.slug,
            "action": action.pk,
            "office": offices[name].pk,
            "outcome": "reached",
            "idempotency_key": str(uuid.uuid4()),
        }
        for name in ("attorney_general", "senator_1", "senator_3", "doj") * 2
    ]

    body = client.post(BATCH, {"calls": items}, format="json").json()

    assert body["created"] == 5
    assert [r["error"]["code"] for r in body["results"][5:]] == ["throttled"] * 3
    assert via_api(client, national_campaign, action, offices["doj"]).status_code == HTTPStatus.TOO_MANY_REQUESTS
    refused = client.post(BATCH, {"calls": items[:1]}, format="json")
    assert refused.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert refused.json()["error"]["code"] == "throttled"
    assert CallLog.objects.count() == 5


def test_the_call_page_is_limited_like_the_api_and_shares_its_allowance(
    monkeypatch, client, token_client, volunteer, national_campaign, offices
):
    """The incident: 300 taps on the call page's form in 17 s were all logged."""
    monkeypatch.setattr(CallsRateThrottle, "THROTTLE_RATES", {"calls": "2/min"})
    client.force_login(volunteer)
    action = _action(national_campaign)

    assert via_page(client, national_campaign, action, offices["attorney_general"]).status_code == HTTPStatus.OK
    assert via_api(token_client(volunteer), national_campaign, action, offices["senator_1"]).status_code == 201
    refused = via_page(client, national_campaign, action, offices["senator_3"])

    assert refused.status_code == HTTPStatus.OK
    assert "Not logged: try again in" in refused.content.decode()
    assert CallLog.objects.count() == 2


def test_the_page_without_javascript_shows_the_refusal_as_a_message(client, volunteer, national_campaign, kansas_ag):
    client.force_login(volunteer)
    data = {
        "action": _action(national_campaign).pk,
        "office": kansas_ag.pk,
        "outcome": "reached",
        "idempotency_key": "k",
    }
    response = client.post(reverse("campaigns:call_log", args=[national_campaign.slug]), data, follow=True)
    assert "not one of your officials" in response.content.decode()
    assert not CallLog.objects.exists()
