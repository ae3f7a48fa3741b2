"""Undo: a row of its own that the rollup applies once; every figure reads as if the call never happened."""

import datetime as dt
from http import HTTPStatus

import pytest
from django.utils import timezone

from tallies.models import CallLog, CampaignTally, ChapterMemberTally, DailyTally, HourlyChapterTally
from tallies.rollups import rollup_calls
from tallies.selectors import (
    DateRange,
    tally_call_logs_for_export,
    tally_campaign_totals,
    tally_dashboard,
    tally_for_campaign,
    tally_impact,
    tally_notes,
)
from tallies.services import (
    CallNotFound,
    TooManyCallsToOffice,
    UndoWindowClosed,
    call_log_create,
    call_log_create_batch,
    call_log_undo,
)
from tallies.verification import tally_verify
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


def _log(user, campaign, office, outcome="reached", note=""):
    call, _ = call_log_create(
        user=user, campaign=campaign, action=campaign.actions.get(), office=office, outcome=outcome, note=note
    )
    return call


def _figures(chapter, campaign, user):
    board = tally_dashboard(chapter_ids=[chapter.pk], tz=chapter.zone)
    today = timezone.localdate()
    ranged = tally_dashboard(chapter_ids=[chapter.pk], date_range=DateRange(today, today), tz=chapter.zone)
    staff = tally_dashboard(chapter_ids=None)
    return {
        "total": board.total,
        "by_outcome": board.by_outcome,
        "by_office": [(o.pk, n) for o, n in board.by_office],
        "by_member": [(u.pk if u else None, n) for u, n in board.by_member],
        "by_day": board.by_day,
        "ranged": (ranged.total, [(u.pk, n) for u, n in ranged.by_member], ranged.by_day),
        "staff": (staff.total, [(c.pk if c else None, n) for c, n in staff.by_chapter]),
        "campaign": tally_campaign_totals(campaign_ids=[campaign.pk]),
        "outcomes": tally_for_campaign(campaign_id=campaign.pk).by_outcome,
        "impact": (tally_impact(user=user).total, tally_impact(user=user).by_outcome),
        "notes": [n.id for n in tally_notes(chapter_ids=[chapter.pk], date_range=DateRange())[0]],
        "csv": [row[0] for row in tally_call_logs_for_export(chapter_ids=[chapter.pk], date_range=DateRange())],
    }


@pytest.mark.parametrize("rolled_before_undo", [False, True])
@pytest.mark.parametrize("rolled_after_undo", [False, True])
def test_an_undone_call_leaves_every_figure_exactly_as_before(
    volunteer, chapter, national_campaign, offices, rolled_before_undo, rolled_after_undo
):
    _log(volunteer, national_campaign, offices["attorney_general"], note="kept")
    rollup_calls()
    before = _figures(chapter, national_campaign, volunteer)

    mistake = _log(volunteer, national_campaign, offices["senator_1"], outcome="skipped", note="mis-tap")
    if rolled_before_undo:
        rollup_calls()
    assert _figures(chapter, national_campaign, volunteer) != before
    call_log_undo(user=volunteer, call_id=mistake.pk)
    if rolled_after_undo:
        rollup_calls()

    assert _figures(chapter, national_campaign, volunteer) == before
    rollup_calls()
    assert _figures(chapter, national_campaign, volunteer) == before
    assert tally_verify().differences == {}
    # The log stays append-only: the call is still there, with its undo beside it.
    assert CallLog.objects.filter(pk=mistake.pk).exists()
    assert list(CallLog.objects.counted().values_list("note", flat=True)) == ["kept"]
    assert list(CallLog.objects.undone().values_list("pk", flat=True)) == [mistake.pk]


def test_the_rollup_applies_an_undo_exactly_once(volunteer, chapter, national_campaign, offices):
    call = _log(volunteer, national_campaign, offices["attorney_general"])
    rollup_calls()
    call_log_undo(user=volunteer, call_id=call.pk)
    rollup_calls()
    rollup_calls()
    call_log_undo(user=volunteer, call_id=call.pk)  # idempotent: no second undo row
    rollup_calls()

    assert CampaignTally.objects.get(campaign_id=national_campaign.pk, outcome="reached").n == 0
    assert ChapterMemberTally.objects.get(chapter_id=chapter.pk, user_id=volunteer.pk).n == 0
    assert sum(DailyTally.objects.values_list("n", flat=True)) == 0
    assert sum(HourlyChapterTally.objects.values_list("n", flat=True)) == 0
    assert CallLog.objects.filter(undoes=call).count() == 1
    assert tally_verify().differences == {}


def test_an_undo_counts_on_the_day_of_its_call_even_past_midnight(volunteer, chapter, national_campaign, offices):
    call = _log(volunteer, national_campaign, offices["attorney_general"])
    CallLog.objects.filter(pk=call.pk).update(created_at=timezone.now() - dt.timedelta(minutes=5, days=1))
    call.refresh_from_db()

    undo, _ = call_log_undo(user=volunteer, call_id=call.pk, now=call.created_at + dt.timedelta(minutes=9))
    rollup_calls()

    assert undo.created_at == call.created_at
    assert set(DailyTally.objects.values_list("n", flat=True)) == {0}


def test_an_undo_is_idempotent(volunteer, national_campaign, offices):
    call = _log(volunteer, national_campaign, offices["attorney_general"])

    first, created = call_log_undo(user=volunteer, call_id=call.pk)
    again, created_again = call_log_undo(user=volunteer, call_id=call.pk, now=timezone.now() + dt.timedelta(hours=1))

    assert (created, created_again) == (True, False)
    assert first.pk == again.pk
    assert (first.weight, first.undoes_id) == (-1, call.pk)


def test_another_users_call_an_undo_row_or_no_call_is_not_found(volunteer, national_campaign, offices):
    call = _log(volunteer, national_campaign, offices["attorney_general"])
    undo, _ = call_log_undo(user=volunteer, call_id=call.pk)
    other = UserFactory(zip_code="65101")

    for user, call_id in ((other, call.pk), (volunteer, undo.pk), (volunteer, 10**9)):
        with pytest.raises(CallNotFound):
            call_log_undo(user=user, call_id=call_id)


def test_a_call_older_than_ten_minutes_cannot_be_undone(volunteer, national_campaign, offices):
    call = _log(volunteer, national_campaign, offices["attorney_general"])

    with pytest.raises(UndoWindowClosed):
        call_log_undo(user=volunteer, call_id=call.pk, now=call.created_at + dt.timedelta(minutes=10, seconds=1))
    assert CallLog.objects.count() == 1


def test_an_undone_call_frees_its_place_in_the_per_office_limit(volunteer, national_campaign, offices):
    office = offices["attorney_general"]
    calls = [_log(volunteer, national_campaign, office) for _ in range(3)]
    with pytest.raises(TooManyCallsToOffice):
        _log(volunteer, national_campaign, office)

    call_log_undo(user=volunteer, call_id=calls[1].pk)
    _log(volunteer, national_campaign, office)  # the freed place

    with pytest.raises(TooManyCallsToOffice):
        _log(volunteer, national_campaign, office)


def test_an_undone_call_frees_its_place_for_a_batch_upload_too(volunteer, national_campaign, offices):
    office = offices["attorney_general"]
    calls = [_log(volunteer, national_campaign, office) for _ in range(3)]
    call_log_undo(user=volunteer, call_id=calls[0].pk)
    item = {
        "campaign": national_campaign.slug,
        "action": national_campaign.actions.get().pk,
        "office": office.pk,
        "outcome": "reached",
    }

    results = call_log_create_batch(
        user=volunteer, items=[dict(item, idempotency_key="a"), dict(item, idempotency_key="b")]
    )

    assert [r.status for r in results] == ["created", "error"]


def _api_log(client, campaign, office):
    body = {
        "campaign": campaign.slug,
        "action": campaign.actions.get().pk,
        "office": office.pk,
        "outcome": "skipped",
    }
    response = client.post("/api/v1/calls/", body, format="json")
    assert response.status_code == HTTPStatus.CREATED, response.content
    return response.json()["id"]


def test_the_api_undoes_the_callers_own_call_once(token_client, volunteer, national_campaign, offices):
    client = token_client(volunteer)
    call_id = _api_log(client, national_campaign, offices["attorney_general"])

    first = client.post(f"/api/v1/calls/{call_id}/undo/")
    again = client.post(f"/api/v1/calls/{call_id}/undo/")

    assert first.status_code == HTTPStatus.CREATED, first.content
    assert again.status_code == HTTPStatus.OK
    assert first.json() == again.json()
    assert first.json()["call"] == call_id
    assert first.json()["undone"] is True
    assert client.get("/api/v1/calls/").json()["results"] == []
    assert tally_campaign_totals(campaign_ids=[national_campaign.pk]) == {}


def test_the_api_answers_404_for_another_users_call_and_409_after_ten_minutes(
    token_client, volunteer, national_campaign, offices
):
    call_id = _api_log(token_client(volunteer), national_campaign, offices["attorney_general"])
    other = UserFactory(zip_code="65101")

    response = token_client(other).post(f"/api/v1/calls/{call_id}/undo/")
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response.json()["error"]["code"] == "not_found"

    CallLog.objects.filter(pk=call_id).update(created_at=timezone.now() - dt.timedelta(minutes=11))
    response = token_client(volunteer).post(f"/api/v1/calls/{call_id}/undo/")
    assert response.status_code == HTTPStatus.CONFLICT
    assert response.json()["error"]["code"] == "undo_window_closed"
    assert CallLog.objects.filter(undoes_id=call_id).count() == 0


def test_the_api_undo_needs_a_signed_in_caller(api_client, volunteer, national_campaign, offices):
    call = _log(volunteer, national_campaign, offices["attorney_general"])

    response = api_client.post(f"/api/v1/calls/{call.pk}/undo/")

    assert response.status_code in (HTTPStatus.UNAUTHORIZED, HTTPStatus.FORBIDDEN)
    assert not CallLog.objects.filter(undoes=call).exists()
