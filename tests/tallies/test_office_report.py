"""The office report: figures, opt-in notes in every format, the PDF's text, share links, the API."""

import csv
import datetime as dt
import io
import os
import shutil
import subprocess
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from tallies.models import OfficeReportShare, Outcome
from tallies.rollups import rollup_calls
from tallies.selectors import DateRange, tally_dashboard, tally_office_report
from tests.factories.accounts import UserFactory
from tests.factories.tallies import CallLogFactory

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 11, 10)


def at(day, hour=15):
    # 15:00 UTC is 09:00 in St. Louis: the same local day.
    return dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC)


@pytest.fixture
def world(national_campaign, chapter, other_chapter, offices, volunteer, other_member):
    ag = offices["attorney_general"]
    ana = UserFactory(email="ana@example.org", name="Ana Ruiz", zip_code="65101")
    bo = UserFactory(email="bo@example.org", name="Bo Private", zip_code="63101")
    calls = [
        CallLogFactory(campaign=national_campaign, chapter=chapter, office=ag, user=volunteer, created_at=at(DAY)),
        CallLogFactory(
            campaign=national_campaign,
            chapter=chapter,
            office=ag,
            user=volunteer,
            outcome=Outcome.VOICEMAIL,
            created_at=at(DAY + dt.timedelta(days=1)),
        ),
        CallLogFactory(
            campaign=national_campaign,
            chapter=chapter,
            office=ag,
            user=ana,
            created_at=at(DAY),
            note="Please back the bill",
            share_note=True,
            sign_note=True,
        ),
        CallLogFactory(
            campaign=national_campaign,
            chapter=chapter,
            office=ag,
            user=bo,
            outcome=Outcome.BUSY,
            created_at=at(DAY + dt.timedelta(days=2)),
            note="PRIVATE-NOTE-NOT-SHARED",
        ),
        CallLogFactory(
            campaign=national_campaign,
            chapter=chapter,
            office=ag,
            user=bo,
            outcome=Outcome.SKIPPED,
            created_at=at(DAY + dt.timedelta(days=2)),
            note="Shared but unsigned",
            share_note=True,
        ),
        # Another chapter's caller and a day outside the range: never in this report.
        CallLogFactory(
            campaign=national_campaign,
            chapter=other_chapter,
            office=ag,
            user=other_member,
            created_at=at(DAY),
            note="OTHER-CHAPTER-NOTE",
            share_note=True,
        ),
        CallLogFactory(
            campaign=national_campaign,
            chapter=chapter,
            office=ag,
            user=ana,
            created_at=at(DAY - dt.timedelta(days=30)),
        ),
    ]
    rollup_calls()
    return {"ag": ag, "calls": calls, "ana": ana, "bo": bo}


def report_params(campaign, office, **extra):
    return {"campaign": campaign.slug, "office": office.pk, "start": "2026-11-10", "end": "2026-11-12", **extra}


def test_the_report_counts_distinct_constituents_outcomes_days_and_first_and_last_call(
    world, chapter, national_campaign
):
    report = tally_office_report(
        office=world["ag"],
        campaign=national_campaign,
        chapter=chapter,
        chapter_ids=[chapter.pk],
        start=DAY,
        end=DAY + dt.timedelta(days=2),
        tz=chapter.zone,
    )

    assert report.constituents == 3  # volunteer twice, Ana, Bo (Bo's skip alone would not count)
    assert (report.total, report.calls, report.reached) == (5, 4, 2)
    assert report.reached_percent == 50
    outcomes = {value: n for value, _label, n in report.by_outcome}
    assert outcomes[Outcome.REACHED] == 2
    assert outcomes[Outcome.SKIPPED] == 1
    assert [n for _d, n in report.by_day] == [2, 1, 2]
    assert report.first_call == at(DAY).astimezone(chapter.zone)
    assert report.last_call == at(DAY + dt.timedelta(days=2)).astimezone(chapter.zone)


def test_the_report_agrees_with_the_dashboard_for_the_same_range(world, chapter, national_campaign):
    CallLogFactory(campaign=national_campaign, chapter=chapter, office=world["ag"], created_at=at(DAY))  # live tail
    date_range = DateRange(DAY, DAY + dt.timedelta(days=2))
    board = tally_dashboard(chapter_ids=[chapter.pk], date_range=date_range, tz=chapter.zone)
    report = tally_office_report(
        office=world["ag"],
        campaign=national_campaign,
        chapter=chapter,
        chapter_ids=[chapter.pk],
        start=date_range.start,
        end=date_range.end,
        tz=chapter.zone,
    )

    # One campaign and one office called: the dashboard's figures are the report's.
    assert report.total == board.total == dict((o.pk, n) for o, n in board.by_office)[world["ag"].pk]
    assert [(v, n) for v, _l, n in report.by_outcome] == [(v, n) for v, _l, n in board.by_outcome]
    assert [(d, n) for d, n in report.by_day if n] == board.by_day


def test_a_note_not_shared_never_appears_and_a_signature_only_when_chosen(client, chapter_lead, chapter, world):
    client.force_login(chapter_lead)
    params = report_params(world["calls"][0].campaign, world["ag"])
    page = client.get(reverse("tallies:chapter_office_report", args=[chapter.slug]), params).content.decode()
    csv_text = client.get(reverse("tallies:chapter_office_report_format", args=[chapter.slug, "csv"]), params)
    csv_text = csv_text.content.decode()
    api = client.get(reverse("api:office-report", args=[chapter.slug]), params).json()

    for text in (page, csv_text, str(api)):
        assert "Please back the bill" in text
        assert "Ana, 65101" in text
        assert "Shared but unsigned" in text
        assert "PRIVATE-NOTE-NOT-SHARED" not in text
        assert "OTHER-CHAPTER-NOTE" not in text
        assert "Bo Private" not in text
        assert "63101" not in text
        assert "bo@example.org" not in text
        assert "ana@example.org" not in text
        assert "Ruiz" not in text
    notes = {n["text"]: n["signature"] for n in api["notes"]}
    assert notes == {"Please back the bill": "Ana, 65101", "Shared but unsigned": ""}
    rows = list(csv.reader(io.StringIO(csv_text)))
    assert ["figure", "constituents", "3"] in rows


@pytest.fixture
def pdftotext():
    """Debian's poppler-utils (.ci/run installs it); missing under CI=true is a failure, as for every service."""
    path = shutil.which("pdftotext")
    if path is None:
        reason = "needs pdftotext (apt-get install poppler-utils)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run every service test: {reason}")
        pytest.skip(reason)
    return path


@pytest.mark.parametrize(("lang", "words"), [("en", "constituents of"), ("es", "electores de")])
def test_the_pdf_carries_the_office_the_range_and_the_distinct_constituents(
    client, chapter_lead, chapter, world, lang, words, pdftotext
):
    client.force_login(chapter_lead)
    params = report_params(world["calls"][0].campaign, world["ag"])
    response = client.get(
        reverse("tallies:chapter_office_report_format", args=[chapter.slug, "pdf"]), params, HTTP_ACCEPT_LANGUAGE=lang
    )
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "application/pdf"
    text = subprocess.run(
        [pdftotext, "-layout", "-", "-"], input=response.content, capture_output=True, check=True
    ).stdout.decode()
    flat = " ".join(text.split())

    assert str(world["ag"]) in flat
    assert "2026-11-10" in flat
    assert "2026-11-12" in flat
    assert f"3 {words}" in flat
    assert "Please back the bill" in flat
    assert "Ana, 65101" in flat
    assert "PRIVATE-NOTE-NOT-SHARED" not in flat
    assert "OTHER-CHAPTER-NOTE" not in flat


def test_only_the_chapters_lead_or_staff_get_the_report(client, chapter, world, volunteer, other_lead, staff_with_totp):
    params = report_params(world["calls"][0].campaign, world["ag"])
    url = reverse("tallies:chapter_office_report", args=[chapter.slug])
    for user in (volunteer, other_lead):
        client.force_login(user)
        assert client.get(url, params).status_code == HTTPStatus.NOT_FOUND
        assert client.get(reverse("api:office-report", args=[chapter.slug]), params).status_code == 404
    client.force_login(staff_with_totp)
    assert client.get(url, params).status_code == HTTPStatus.OK
    staff = client.get(reverse("tallies:staff_office_report"), params)
    assert staff.status_code == HTTPStatus.OK
    assert staff.context["report"].constituents == 4  # every chapter: the other chapter's caller too


def test_bad_report_input_is_a_clear_4xx(client, chapter_lead, chapter, world, national_campaign):
    client.force_login(chapter_lead)
    api = reverse("api:office-report", args=[chapter.slug])
    assert client.get(api, {"campaign": national_campaign.slug}).status_code == 400  # no office
    assert client.get(api, {"campaign": "nope", "office": world["ag"].pk}).status_code == 404
    too_long = {
        "campaign": national_campaign.slug,
        "office": world["ag"].pk,
        "start": "2020-01-01",
        "end": "2026-01-01",
    }
    assert client.get(api, too_long).status_code == 422
    page = reverse("tallies:chapter_office_report_format", args=[chapter.slug, "pdf"])
    assert client.get(page, {"campaign": national_campaign.slug, "office": "x"}).status_code == 404
    assert (
        client.get(
            page, {"campaign": national_campaign.slug, "office": world["ag"].pk, "start": "3000-01-01"}
        ).status_code
        == 400
    )
    assert OfficeReportShare.objects.count() == 0


# --- share links ---------------------------------------------------------------------------------
def make_share(client, chapter, world, **extra):
    params = report_params(world["calls"][0].campaign, world["ag"], **extra)
    response = client.post(reverse("tallies:chapter_office_report_share", args=[chapter.slug]), params)
    assert response.status_code == HTTPStatus.FOUND
    share = OfficeReportShare.objects.get()
    page = client.get(response["Location"])
    url = next(url for s, url in page.context["shares"] if s.pk == share.pk)
    return share, url


def test_a_share_link_works_signed_out_counts_views_and_shows_the_report_only(client, chapter_lead, chapter, world):
    client.force_login(chapter_lead)
    share, url = make_share(client, chapter, world)
    assert (share.expires_at - share.created_at).days == 30
    client.logout()

    first = client.get(url)
    pdf = client.get(url + "report.pdf")

    assert first.status_code == HTTPStatus.OK
    assert pdf.status_code == HTTPStatus.OK
    assert "Please back the bill" in first.content.decode()
    assert "PRIVATE-NOTE-NOT-SHARED" not in first.content.decode()
    assert first["X-Robots-Tag"].startswith("noindex")
    assert first["Referrer-Policy"] == "no-referrer"
    share.refresh_from_db()
    assert share.view_count == 2
    # Signed out, the link opens nothing else.
    assert client.get(reverse("tallies:chapter_dashboard", args=[chapter.slug])).status_code == HTTPStatus.FOUND


def test_an_expired_revoked_or_altered_link_reveals_nothing(client, chapter_lead, chapter, world):
    client.force_login(chapter_lead)
    share, url = make_share(client, chapter, world, days="2")
    assert (
        client.get(url.replace(share.key, share.key[:-1] + ("A" if share.key[-1] != "A" else "B"))).status_code == 404
    )
    assert client.get("/reports/guess:abc/").status_code == 404

    OfficeReportShare.objects.filter(pk=share.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert client.get(url).status_code == HTTPStatus.NOT_FOUND

    OfficeReportShare.objects.filter(pk=share.pk).update(expires_at=timezone.now() + dt.timedelta(days=1))
    assert client.get(url).status_code == HTTPStatus.OK
    revoke = client.post(reverse("tallies:office_report_share_revoke", args=[share.pk]))
    assert revoke.status_code == HTTPStatus.FOUND
    assert client.get(url).status_code == HTTPStatus.NOT_FOUND
    share.refresh_from_db()
    assert share.revoked_at is not None
    assert share.view_count == 1


def test_only_its_chapters_lead_may_revoke_a_share(client, chapter_lead, other_lead, chapter, world):
    client.force_login(chapter_lead)
    share, url = make_share(client, chapter, world)
    client.force_login(other_lead)
    assert client.post(reverse("tallies:office_report_share_revoke", args=[share.pk])).status_code == 404
    assert client.get(url).status_code == HTTPStatus.OK


def test_a_share_of_more_than_a_year_is_refused(client, chapter_lead, chapter, world):
    client.force_login(chapter_lead)
    params = report_params(world["calls"][0].campaign, world["ag"], days="400")
    response = client.post(reverse("tallies:chapter_office_report_share", args=[chapter.slug]), params)
    assert response.status_code == 422
    assert OfficeReportShare.objects.count() == 0


def test_the_api_pdf_has_the_same_parameters(client, chapter_lead, chapter, world):
    client.force_login(chapter_lead)
    params = report_params(world["calls"][0].campaign, world["ag"])
    response = client.get(reverse("api:office-report-pdf", args=[chapter.slug]), params)
    assert response.status_code == HTTPStatus.OK
    assert response.content.startswith(b"%PDF")


def test_staff_get_every_chapter_together_over_the_api_and_no_one_else(
    client, chapter_lead, staff_with_totp, world, national_campaign
):
    params = report_params(national_campaign, world["ag"])
    client.force_login(chapter_lead)
    assert client.get(reverse("api:staff-office-report"), params).status_code == HTTPStatus.NOT_FOUND

    client.force_login(staff_with_totp)
    data = client.get(reverse("api:staff-office-report"), params).json()
    pdf = client.get(reverse("api:staff-office-report-pdf"), params)

    assert (data["chapter"], data["time_zone"], data["constituents"]) == ("", "UTC", 4)
    assert "OTHER-CHAPTER-NOTE" in {n["text"] for n in data["notes"]}
    assert pdf.content.startswith(b"%PDF")
