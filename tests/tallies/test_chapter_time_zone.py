"""A chapter's dashboard counts the chapter's own days: across midnight UTC and across DST changes."""

import csv
import datetime as dt
import io
from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Chapter
from tallies.rollups import rollup_calls
from tallies.selectors import DateRange, tally_dashboard
from tallies.verification import tally_verify
from tests.factories.accounts import ChapterFactory
from tests.factories.tallies import CallLogFactory

UTC = dt.UTC


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


def by_day(chapter, **range_kwargs):
    board = tally_dashboard(chapter_ids=[chapter.pk], date_range=DateRange(**range_kwargs), tz=chapter.zone)
    return {d.isoformat(): n for d, n in board.by_day}, board.total


# St. Louis: 2026-11-01 02:00 CDT (07:00 UTC) the clocks go back to 01:00 CST.
DST_CALLS = [
    "2026-11-01 04:30",  # Sat 31 Oct, 23:30 CDT
    "2026-11-01 05:30",  # Sun  1 Nov, 00:30 CDT
    "2026-11-01 06:30",  # Sun  1 Nov, 01:30 CDT (the first 01:30)
    "2026-11-01 07:30",  # Sun  1 Nov, 01:30 CST (the second 01:30)
    "2026-11-02 05:30",  # Sun  1 Nov, 23:30 CST: still Sunday, though 05:30 UTC was Sunday's start the day before
    "2026-11-02 06:30",  # Mon  2 Nov, 00:30 CST
]
EXPECTED_DST = {"2026-10-31": 1, "2026-11-01": 4, "2026-11-02": 1}


@pytest.fixture
def dst_calls(chapter, national_campaign, offices, volunteer):
    for moment in DST_CALLS:
        CallLogFactory(
            campaign=national_campaign,
            chapter=chapter,
            office=offices["attorney_general"],
            user=volunteer,
            created_at=at(moment),
        )


def test_a_chapter_gets_its_states_time_zone_and_staff_can_change_it(db):
    assert ChapterFactory(slug="mo", state="MO").time_zone == "America/Chicago"
    assert ChapterFactory(slug="ca", state="CA").time_zone == "America/Los_Angeles"
    assert ChapterFactory(slug="hi", state="HI").time_zone == "Pacific/Honolulu"
    chapter = ChapterFactory(slug="changed", state="MO")
    chapter.time_zone = "America/Denver"
    chapter.save()
    assert Chapter.objects.get(pk=chapter.pk).zone.key == "America/Denver"


def test_staff_change_the_zone_in_the_admin(staff_client, chapter):
    url = reverse("admin:accounts_chapter_change", args=[chapter.pk])
    form = staff_client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "members"}
    data.update(
        {
            "time_zone": "America/New_York",
            "created_at_0": chapter.created_at.strftime("%Y-%m-%d"),
            "created_at_1": chapter.created_at.strftime("%H:%M:%S"),
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        }
    )
    response = staff_client.post(url, data)
    assert response.status_code == HTTPStatus.FOUND, response.content[:2000]
    chapter.refresh_from_db()
    assert chapter.time_zone == "America/New_York"


@pytest.mark.parametrize("rolled", ["none", "half", "all"])
def test_days_across_the_end_of_dst_are_the_chapters_days(chapter, national_campaign, dst_calls, rolled):
    if rolled == "all":
        rollup_calls(wait=True)
    elif rolled == "half":
        rollup_calls(wait=True, batch_size=3, max_batches=1)

    days, total = by_day(chapter)
    assert days == EXPECTED_DST
    assert total == 6
    # A range of local days: Sunday 1 Nov is 25 hours long, 05:00 UTC to 06:00 UTC the next day.
    days, total = by_day(chapter, start=dt.date(2026, 11, 1), end=dt.date(2026, 11, 1))
    assert (days, total) == ({"2026-11-01": 4}, 4)
    board = tally_dashboard(
        chapter_ids=[chapter.pk], date_range=DateRange(dt.date(2026, 11, 1), dt.date(2026, 11, 1)), tz=chapter.zone
    )
    assert [(row["campaign"].pk, row["n"]) for row in board.by_campaign if row["n"]] == [(national_campaign.pk, 4)]
    assert sum(n for _, n in board.by_office) == 4
    assert sum(n for _, n in board.by_member) == 4
    days, total = by_day(chapter, start=dt.date(2026, 11, 2))
    assert (days, total) == ({"2026-11-02": 1}, 1)
    days, total = by_day(chapter, end=dt.date(2026, 10, 31))
    assert (days, total) == ({"2026-10-31": 1}, 1)


def test_days_across_the_start_of_dst(chapter, national_campaign, offices, volunteer):
    # 2026-03-08 02:00 CST the clocks go forward: Sunday is 23 hours long, 06:00 UTC to 05:00 UTC.
    for moment in ["2026-03-08 05:59", "2026-03-08 06:00", "2026-03-09 04:59", "2026-03-09 05:00"]:
        CallLogFactory(
            campaign=national_campaign, chapter=chapter, office=offices["doj"], user=volunteer, created_at=at(moment)
        )
    rollup_calls(wait=True)
    assert by_day(chapter)[0] == {"2026-03-07": 1, "2026-03-08": 2, "2026-03-09": 1}
    assert by_day(chapter, start=dt.date(2026, 3, 8), end=dt.date(2026, 3, 8)) == ({"2026-03-08": 2}, 2)


def test_an_evening_call_in_st_louis_counts_on_that_day_not_the_next_utc_day(
    client, chapter, chapter_lead, staff_with_totp, national_campaign, offices, volunteer
):
    # 21:30 in St. Louis on Tuesday 10 Nov is 03:30 UTC on Wednesday.
    CallLogFactory(
        campaign=national_campaign,
        chapter=chapter,
        office=offices["attorney_general"],
        user=volunteer,
        created_at=at("2026-11-11 03:30"),
        note="Evening call",
    )
    rollup_calls(wait=True)
    CallLogFactory(
        campaign=national_campaign,
        chapter=chapter,
        office=offices["attorney_general"],
        user=volunteer,
        created_at=at("2026-11-11 04:30"),  # the live tail, 22:30 local
    )
    client.force_login(chapter_lead)
    url = reverse("tallies:chapter_dashboard", args=[chapter.slug])
    response = client.get(url, {"start": "2026-11-10", "end": "2026-11-10"})
    assert response.status_code == HTTPStatus.OK
    assert response.context["board"].total == 2
    assert [(d.isoformat(), n) for d, n in response.context["board"].by_day] == [("2026-11-10", 2)]
    body = response.content.decode()
    assert "Days are the chapter's days (Chicago · Central Time" in body
    assert "Nov 10, 2026, 21:30 Chicago · Central Time" in body
    assert client.get(url, {"start": "2026-11-11", "end": "2026-11-11"}).context["board"].total == 0

    export = reverse("tallies:chapter_export", args=[chapter.slug, "calls"])
    rows = list(csv.reader(io.StringIO(b"".join(client.get(export, {"end": "2026-11-10"}).streaming_content).decode())))
    assert [row[1] for row in rows[1:]] == ["2026-11-10T21:30:00-06:00", "2026-11-10T22:30:00-06:00"]
    figures = reverse("tallies:chapter_export", args=[chapter.slug, "figures"])
    rows = list(csv.reader(io.StringIO(b"".join(client.get(figures).streaming_content).decode())))
    assert [r for r in rows if r[0] == "day"] == [["day", "2026-11-10", "2026-11-10", "2"]]

    # Staff see UTC days, and are told so.
    staff_client = Client()
    staff_client.force_login(staff_with_totp)
    response = staff_client.get(reverse("tallies:staff_dashboard"))
    assert [(d.isoformat(), n) for d, n in response.context["board"].by_day] == [("2026-11-11", 2)]
    assert "Days are UTC days" in response.content.decode()


def test_the_widget_says_which_zone(client, national_campaign):
    body = client.get(reverse("tallies:campaign_widget", args=[national_campaign.slug])).content.decode()
    assert "no time zone applies" in body


def test_the_hourly_rollup_matches_a_recount(chapter, dst_calls):
    rollup_calls(wait=True)
    report = tally_verify()
    assert report.differences == {}
    assert report.tables == 8


def test_changing_the_zone_changes_the_days_without_a_recount(chapter, dst_calls):
    rollup_calls(wait=True)
    chapter.time_zone = "UTC"
    chapter.save()
    assert by_day(chapter)[0] == {"2026-11-01": 4, "2026-11-02": 2}


def test_the_chapter_dashboard_stays_within_ten_queries(
    client, chapter, chapter_lead, dst_calls, django_assert_max_num_queries
):
    from rally.models import CallDay

    CallDay.objects.create(chapter=chapter, campaign_id=dst_calls_campaign(chapter), day=dt.date(2026, 11, 1))
    rollup_calls(wait=True)
    client.force_login(chapter_lead)
    url = reverse("tallies:chapter_dashboard", args=[chapter.slug])
    client.get(url)
    with django_assert_max_num_queries(10):
        response = client.get(url, {"start": "2026-10-01", "end": "2026-11-30"})
    assert response.status_code == HTTPStatus.OK
    assert response.context["chart_data"]["call_days"] == [False, True, False]
    assert [(r.day.isoformat(), r.total) for r in response.context["call_days"]] == [("2026-11-01", 4)]


def dst_calls_campaign(chapter):
    from tallies.models import CallLog

    return CallLog.objects.filter(chapter=chapter).values_list("campaign_id", flat=True).first()


def test_the_chapter_tally_api_counts_the_chapters_days(token_client, chapter, chapter_lead, dst_calls):
    rollup_calls(wait=True)
    response = token_client(chapter_lead).get(
        f"/api/v1/chapters/{chapter.slug}/tally/", {"start": "2026-11-01", "end": "2026-11-01"}
    )
    assert response.status_code == HTTPStatus.OK
    body = response.json()
    assert body["time_zone"] == "America/Chicago"
    assert body["total"] == 4
    assert body["by_day"] == [{"day": "2026-11-01", "calls": 4}]


@pytest.mark.parametrize("zone", ["Pacific/Guam", "Pacific/Pago_Pago"])
def test_a_range_at_the_edges_of_the_accepted_dates_works_in_any_zone(client, chapter, chapter_lead, dst_calls, zone):
    # 1900-01-01 in Guam is still 1899 in UTC, and 2100-12-31 in Pago Pago is already 2101: the
    # conversion to UTC bounds must not overflow or drop calls. Dates beyond 1900..2100 are a 400.
    chapter.time_zone = zone
    chapter.save()
    client.force_login(chapter_lead)
    url = reverse("tallies:chapter_dashboard", args=[chapter.slug])
    response = client.get(url, {"start": "1900-01-01", "end": "2100-12-31"})
    assert response.status_code == HTTPStatus.OK
    assert response.context["board"].total == 6
    export = reverse("tallies:chapter_export", args=[chapter.slug, "calls"])
    assert client.get(export, {"start": "1900-01-01", "end": "2100-12-31"}).status_code == HTTPStatus.OK
    assert client.get(url, {"end": "9999-12-31"}).status_code == HTTPStatus.BAD_REQUEST


def test_a_volunteer_turns_call_now_messages_off_over_the_api(token_client, volunteer):
    api = token_client(volunteer)
    assert api.get("/api/v1/me/").json()["call_now_emails"] is True
    response = api.patch("/api/v1/me/", {"call_now_emails": False}, format="json")
    assert response.status_code == HTTPStatus.OK
    assert response.json()["call_now_emails"] is False
