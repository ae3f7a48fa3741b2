"""A ZIP change cannot manufacture constituents: the ZIP history, one move to another state per 30
days, and calls that stay counted for the office they were made to."""

import datetime as dt
from http import HTTPStatus

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import LocationHistory, User
from accounts.selectors import location_held_at, user_data_export
from accounts.services import state_move_available_at, user_location_set, user_profile_update
from campaigns.models import Action
from tallies.models import CallLog
from tallies.selectors import tally_dashboard
from tallies.services import CallRefused, call_log_create
from tests.factories.accounts import UserFactory
from tests.factories.campaigns import ActionFactory, CampaignFactory
from tests.factories.officials import missouri_officials

pytestmark = pytest.mark.django_db

MISSOURI, KANSAS, ILLINOIS = "65101", "66044", "62701"


def _profile(client, zip_code):
    return client.post(
        reverse("profile"),
        {"name": "Val", "zip_code": zip_code, "time_zone": "America/Chicago", "reminder_frequency": "weekly"},
    )


@pytest.fixture
def caller(db):
    return UserFactory(email="mover@example.org", zip_code="", state="")


def test_every_change_is_kept_with_its_dates(caller):
    t0 = timezone.now() - dt.timedelta(days=2)
    user_location_set(user=caller, zip_code=MISSOURI, now=t0)
    user_location_set(user=caller, zip_code="65101-1234", now=t0 + dt.timedelta(hours=1))
    rows = list(LocationHistory.objects.filter(user=caller).order_by("valid_from"))
    assert [(r.zip_code, r.state, r.is_move) for r in rows] == [(MISSOURI, "MO", False), ("65101-1234", "MO", False)]
    assert rows[0].valid_to == rows[1].valid_from
    assert rows[1].valid_to is None
    assert location_held_at(user=caller, at=t0 + dt.timedelta(minutes=5)).zip_code == MISSOURI
    assert location_held_at(user=caller, at=timezone.now()).zip_code == "65101-1234"
    exported = [(h["zip_code"], h["to"] is None) for h in user_data_export(user=caller)["location_history"]]
    assert exported == [(MISSOURI, False), ("65101-1234", True)]


def test_a_second_move_to_another_state_within_30_days_is_refused_on_the_profile_page(client, caller):
    client.force_login(caller)
    assert _profile(client, MISSOURI).status_code == HTTPStatus.FOUND
    assert _profile(client, KANSAS).status_code == HTTPStatus.FOUND  # the first move
    refused = _profile(client, ILLINOIS)
    assert refused.status_code == HTTPStatus.BAD_REQUEST
    body = refused.content.decode()
    assert "You can move to another state once every 30 days" in body
    when = state_move_available_at(user=caller)
    assert when is not None
    assert f"{when:%Y}" in body
    caller.refresh_from_db()
    assert (caller.zip_code, caller.state) == (KANSAS, "KS")
    # Moving back counts as a move too, but a ZIP in the same state is fine.
    assert _profile(client, MISSOURI).status_code == HTTPStatus.BAD_REQUEST
    assert _profile(client, "66045").status_code == HTTPStatus.FOUND
    assert LocationHistory.objects.filter(user=caller, is_move=True).count() == 1


def test_the_api_refuses_it_with_a_clear_message(token_client, caller):
    client = token_client(caller)
    assert client.patch("/api/v1/me/", {"zip_code": MISSOURI}, format="json").status_code == HTTPStatus.OK
    assert client.patch("/api/v1/me/", {"zip_code": KANSAS}, format="json").status_code == HTTPStatus.OK
    refused = client.patch("/api/v1/me/", {"zip_code": ILLINOIS}, format="json")
    # The ZIP is well formed and real: it conflicts with the caller's recent move, which time will lift.
    assert refused.status_code == HTTPStatus.CONFLICT
    error = refused.json()["error"]
    assert error["code"] == "state_move_too_soon"
    assert "Your ZIP code can be in another state again from" in error["message"]
    assert error["fields"]["zip_code"] == [error["message"]]
    wait = (state_move_available_at(user=caller) - timezone.now()).total_seconds()
    assert abs(int(refused["Retry-After"]) - wait) < 60
    assert 29 * 24 * 3600 < int(refused["Retry-After"]) <= 30 * 24 * 3600
    caller.refresh_from_db()
    assert (caller.zip_code, caller.state) == (KANSAS, "KS")
    # Clearing the ZIP and setting another state does not get around it.
    assert client.patch("/api/v1/me/", {"zip_code": ""}, format="json").status_code == HTTPStatus.OK
    again = client.patch("/api/v1/me/", {"zip_code": ILLINOIS}, format="json")
    assert (again.status_code, again.json()["error"]["code"]) == (HTTPStatus.CONFLICT, "state_move_too_soon")


def test_after_30_days_the_next_move_is_allowed(caller):
    t0 = timezone.now() - dt.timedelta(days=31)
    user_location_set(user=caller, zip_code=MISSOURI, now=t0)
    user_location_set(user=caller, zip_code=KANSAS, now=t0 + dt.timedelta(minutes=1))
    user_location_set(user=caller, zip_code=ILLINOIS)
    caller.refresh_from_db()
    assert caller.state == "IL"
    with pytest.raises(ValidationError):
        user_location_set(user=caller, zip_code=MISSOURI)


def test_staff_let_one_move_through_in_the_admin(staff_client, caller):
    user_location_set(user=caller, zip_code=MISSOURI)
    user_location_set(user=caller, zip_code=KANSAS)
    page = staff_client.get(reverse("admin:accounts_user_change", args=[caller.pk])).content.decode()
    assert 'name="state_move_allowed"' in page
    assert "66044" in page  # the history, inline
    User.objects.filter(pk=caller.pk).update(state_move_allowed=True)
    caller.refresh_from_db()
    user_profile_update(user=caller, zip_code=ILLINOIS)
    caller.refresh_from_db()
    assert (caller.state, caller.state_move_allowed) == ("IL", False)
    assert LocationHistory.objects.get(user=caller, state="IL").allowed_by_staff
    with pytest.raises(ValidationError):
        user_profile_update(user=caller, zip_code=MISSOURI)


def test_a_call_stays_counted_for_the_office_the_caller_was_a_constituent_of(chapter):
    offices = missouri_officials()
    campaign = CampaignFactory(chapter=None)
    action = ActionFactory(campaign=campaign, target_roles=["attorney_general"], kind=Action.Kind.CALL)
    caller = UserFactory(email="mover@example.org", zip_code="", state="")
    caller.memberships.create(chapter=chapter)
    user_location_set(user=caller, zip_code=MISSOURI)
    call, _ = call_log_create(
        user=caller, campaign=campaign, action=action, office=offices["attorney_general"], outcome="reached"
    )
    user_location_set(user=caller, zip_code=KANSAS)

    assert location_held_at(user=caller, at=call.created_at).state == "MO"
    board = tally_dashboard(chapter_ids=[chapter.pk])
    assert [(office.pk, n) for office, n in board.by_office] == [(offices["attorney_general"].pk, 1)]
    assert CallLog.objects.get().office == offices["attorney_general"]
    # Now a Kansan: Missouri's attorney general is no longer this caller's to count.
    caller.refresh_from_db()
    with pytest.raises(CallRefused, match="not one of your officials"):
        call_log_create(
            user=caller, campaign=campaign, action=action, office=offices["attorney_general"], outcome="reached"
        )


def test_the_refusal_is_in_spanish_for_a_spanish_reader(client):
    caller = UserFactory(email="mover@example.org", zip_code="", state="", language="es")
    user_location_set(user=caller, zip_code=MISSOURI)
    user_location_set(user=caller, zip_code=KANSAS)
    client.force_login(caller)
    body = client.post(
        reverse("profile"),
        {"zip_code": ILLINOIS, "time_zone": "America/Chicago", "reminder_frequency": "weekly", "language": "es"},
    ).content.decode()
    assert "Puedes mudarte a otro estado una vez cada 30 días" in body
