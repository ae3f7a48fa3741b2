"""refresh_officials: every source in order, a change report, nothing written on failure, a RefreshRun per run.

The download path reads the real public files from a local HTTP server (loopback only).
"""

import datetime
import shutil
from http import HTTPStatus
from io import StringIO

import pytest
from celery.schedules import crontab
from django.core.management import CommandError, call_command
from django.urls import reverse

from officials.models import ContactPoint, Division, Office, Person, RefreshRun, Term, ZipDivision
from officials.refresh import RefreshFailed, officials_refresh, sources_from_dir

TODAY = datetime.date(2026, 11, 29)


def counts():
    return tuple(m.objects.count() for m in (Division, Office, Person, Term, ContactPoint, ZipDivision))


@pytest.fixture
def url_sources(shared_data, serve):
    """Every source as a URL on a local server of the public data folder; executives in the Open States layout."""
    base = serve(shared_data)
    return {
        "divisions": base + "ocd-divisions/",
        "congress": base + "congress-legislators/",
        "zip_districts": base + "zip-districts/zccd.csv",
        "executives": base + "state-executives/openstates-executive/",
        "executive_updates": base + "state-executives/openstates-pr3367-unmerged/",
    }


@pytest.mark.postgres
def test_a_refresh_from_the_upstream_urls_loads_everything_reports_and_emails_staff(
    db, url_sources, travel, staff_user, smtp_server
):
    travel(TODAY)
    run = officials_refresh(sources=url_sources)
    assert run.status == RefreshRun.Status.SUCCEEDED
    assert run.changed
    assert run.finished_at is not None
    assert Person.objects.filter(bioguide_id="H001089").exists()  # Congress
    assert ZipDivision.objects.count() == 42033
    assert Term.objects.current().filter(office__title="Governor of Missouri", person__name="Mike Kehoe").exists()
    assert "Attorney General of Missouri: Catherine Hanaway arrived" in run.report
    assert "ZIPs that change district (33774)" in run.report
    assert "... and" in run.report  # long sections are cut
    (message,) = smtp_server.messages
    assert message.recipients == [staff_user.email]
    assert "Officials data changed" in message.subject
    assert "Catherine Hanaway arrived" in message.text

    again = officials_refresh(sources=url_sources)
    assert not again.changed
    assert "Nothing changed." in again.report
    assert len(smtp_server.messages) == 1  # nothing changed: no email
    assert RefreshRun.objects.filter(status=RefreshRun.Status.SUCCEEDED).count() == 2


def _partial_dir(shared_data, tmp_path, *, congress=None, zccd=None):
    """A public-data folder with one part swapped (the rest linked to the real files)."""
    root = tmp_path / "data"
    root.mkdir()
    for name in ("ocd-divisions", "state-executives"):
        (root / name).symlink_to(shared_data / name)
    (root / "congress-legislators").symlink_to(congress or shared_data / "congress-legislators")
    (root / "zip-districts").mkdir()
    (root / "zip-districts" / "zccd.csv").symlink_to(zccd or shared_data / "zip-districts" / "zccd.csv")
    return root


def test_the_report_says_who_left_and_arrived_and_which_numbers_changed(db, shared_data, tmp_path, travel, settings):
    travel(TODAY)
    settings.OFFICIALS_REFRESH_MAX_CHANGE_SHARE = 1.0  # two years of Congress at once: not a broken file
    older = _partial_dir(shared_data, tmp_path, congress=shared_data / "congress-legislators/history/2024-05-08")
    sources = {**sources_from_dir(older), "zip_districts": ""}
    officials_refresh(sources=sources, notify=False)

    run = officials_refresh(sources={**sources_from_dir(shared_data), "zip_districts": ""}, notify=False)
    assert run.changed
    assert "U.S. Senator for Utah: Mitt Romney left, John R. Curtis arrived" in run.report
    assert "Washington DC office: phone" in run.report
    assert " -> " in run.report
    section = run.report.split("Officeholders (", 1)[1]
    assert int(section.split(")", 1)[0]) >= 80


def test_a_parse_failure_writes_nothing_and_names_the_source_row_and_reason(db, shared_data, tmp_path, travel):
    travel(TODAY)
    officials_refresh(sources={**sources_from_dir(shared_data), "zip_districts": ""}, notify=False)
    before = counts()
    bad = tmp_path / "zccd.csv"
    shutil.copyfile(shared_data / "zip-districts" / "zccd.csv", bad)
    with bad.open("a") as f:
        f.write("29,MO,6510X,3\n")
    folder = _partial_dir(shared_data, tmp_path, zccd=bad)
    # A newer Congress file first, so a failure later must also undo that.
    with pytest.raises(RefreshFailed) as caught:
        officials_refresh(sources=sources_from_dir(folder), notify=False)
    message = str(caught.value)
    assert message.startswith("zip_districts (")
    assert "row 42035, field 'zcta': '6510X' is not a 5-digit ZCTA" in message
    assert counts() == before
    run = RefreshRun.objects.latest("started_at")
    assert run.status == RefreshRun.Status.FAILED
    assert "6510X" in run.error


def test_a_download_failure_writes_nothing(db, url_sources, travel):
    travel(TODAY)
    sources = {**url_sources, "zip_districts": url_sources["zip_districts"].replace("zccd.csv", "missing.csv")}
    with pytest.raises(RefreshFailed, match=r"zip_districts .*missing\.csv.*HTTP 404"):
        officials_refresh(sources=sources)
    assert counts() == (0, 0, 0, 0, 0, 0)


def test_the_command_prints_the_report_and_a_dry_run_saves_nothing(db, shared_data, travel, settings, tmp_path):
    travel(TODAY)
    out = StringIO()
    folder = _partial_dir(shared_data, tmp_path)
    call_command("refresh_officials", "--source-dir", str(folder), "--dry-run", "--no-email", stdout=out)
    assert "(dry run, nothing saved)" in out.getvalue()
    assert "Attorney General of Missouri: Catherine Hanaway arrived" in out.getvalue()
    assert counts() == (0, 0, 0, 0, 0, 0)
    assert RefreshRun.objects.get().dry_run


def test_the_command_says_which_source_failed(db, tmp_path):
    (tmp_path / "ocd-divisions").mkdir()
    with pytest.raises(CommandError, match=r"Refresh failed, nothing was written: divisions .*us-states.csv"):
        call_command("refresh_officials", "--source-dir", str(tmp_path), "--no-email")


def test_the_refresh_runs_weekly_from_beat_and_the_task_uses_the_configured_sources(
    db, url_sources, travel, settings, smtp_server
):
    from advocacy.settings import base  # the test settings switch beat off

    entry = next(e for e in base.CELERY_BEAT_SCHEDULE.values() if e["task"] == "officials.refresh")
    assert isinstance(entry["schedule"], crontab)
    assert entry["schedule"].day_of_week == {0}  # Sundays
    from officials.tasks import refresh_officials_task

    travel(TODAY)
    settings.OFFICIALS_REFRESH_SOURCES = {**url_sources, "zip_districts": ""}
    refresh_officials_task.delay()
    run = RefreshRun.objects.get()
    assert run.status == RefreshRun.Status.SUCCEEDED
    assert run.sources["congress"] == url_sources["congress"]

    settings.OFFICIALS_REFRESH_SOURCES = {**url_sources, "congress": url_sources["congress"] + "nope/"}
    refresh_officials_task.delay()  # logged, recorded, not raised
    assert RefreshRun.objects.latest("started_at").status == RefreshRun.Status.FAILED


# -- staleness ------------------------------------------------------------------
def _succeeded(days_ago: int) -> RefreshRun:
    from django.utils import timezone

    finished = timezone.now() - datetime.timedelta(days=days_ago)
    return RefreshRun.objects.create(
        started_at=finished, finished_at=finished, status=RefreshRun.Status.SUCCEEDED, report="Nothing changed."
    )


def test_staff_see_a_warning_when_no_refresh_succeeded_for_14_days(staff_client):
    warning = "No refresh of the officials data has succeeded"
    assert warning in staff_client.get(reverse("admin:index")).content.decode()
    _succeeded(days_ago=15)
    from django.core.cache import cache

    cache.clear()
    html = staff_client.get(reverse("admin:index")).content.decode()
    assert warning in html
    assert "since 20" in html
    RefreshRun.objects.create(status=RefreshRun.Status.FAILED, error="congress: HTTP 500")
    _succeeded(days_ago=1)
    cache.clear()
    assert warning not in staff_client.get(reverse("admin:index")).content.decode()


def test_refresh_runs_are_listed_in_the_admin_with_their_report(staff_client):
    run = _succeeded(days_ago=2)
    changelist = staff_client.get(reverse("admin:officials_refreshrun_changelist"))
    assert changelist.status_code == HTTPStatus.OK
    detail = staff_client.get(reverse("admin:officials_refreshrun_change", args=[run.pk])).content.decode()
    assert "Nothing changed." in detail


def test_the_lookup_page_and_the_api_say_when_the_data_was_last_refreshed(db, client, api_client):
    from tests.factories.officials import missouri_officials

    missouri_officials()
    assert "has not been refreshed from the public sources yet" in client.get("/officials/?zip=65101").content.decode()
    assert api_client.get("/api/v1/officials/", {"zip": "65101"}).json()["data_last_refreshed"] is None
    run = _succeeded(days_ago=3)
    from django.core.cache import cache

    cache.clear()
    html = client.get("/officials/?zip=65101").content.decode()
    assert f'datetime="{run.finished_at:%Y-%m-%d}"' in html
    assert "last refreshed from the public sources on" in html
    data = api_client.get("/api/v1/officials/", {"zip": "65101"}).json()
    assert data["data_last_refreshed"].startswith(f"{run.finished_at:%Y-%m-%d}")


def test_a_refresh_clears_the_remembered_date(db, shared_data, travel, api_client):
    travel(TODAY)
    assert api_client.get("/api/v1/officials/", {"state": "MO"}).json()["data_last_refreshed"] is None
    run = officials_refresh(sources={**sources_from_dir(shared_data), "zip_districts": ""}, notify=False)
    refreshed = api_client.get("/api/v1/officials/", {"state": "MO"}).json()["data_last_refreshed"]
    assert datetime.datetime.fromisoformat(refreshed) == run.finished_at


@pytest.mark.postgres
def test_a_second_refresh_while_one_runs_fails_at_once_and_writes_nothing(db, shared_data, travel):
    import psycopg
    from django.db import connection

    from officials.refresh import REFRESH_LOCK_KEY

    travel(TODAY)
    params = connection.get_connection_params()
    with psycopg.connect(**{k: v for k, v in params.items() if k != "cursor_factory"}) as other:
        other.execute("SELECT pg_advisory_lock(%s)", [REFRESH_LOCK_KEY])  # a refresh in another process
        with pytest.raises(RefreshFailed, match="another refresh is running"):
            officials_refresh(sources={**sources_from_dir(shared_data), "zip_districts": ""}, notify=False)
    assert counts() == (0, 0, 0, 0, 0, 0)
    assert RefreshRun.objects.get().status == RefreshRun.Status.FAILED
