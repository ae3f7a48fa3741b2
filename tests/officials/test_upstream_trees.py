"""Issue 29's officials findings: the importers and the refresh on the real upstream trees' layout."""

import datetime
import http.server
import json
import shutil
import threading
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from officials.importers import import_congress, import_openstates_executives
from officials.models import IncomingOfficeholder, Office, OfficeRole, PendingChange, RefreshRun, Term, ZipDivision
from officials.refresh import RefreshFailed, officials_refresh, sources_from_dir
from officials.review import pending_change_approve
from tests.officials.openstates_tarball import people_tarball, shared_executive_files

TODAY = datetime.date(2026, 12, 4)


@pytest.fixture
def loaded(db, shared_data, travel):
    travel(TODAY)
    officials_refresh(sources={**sources_from_dir(shared_data), "zip_districts": ""}, notify=False)
    return shared_data


def congress_folder(tmp_path, members, name="congress"):
    folder = tmp_path / name
    folder.mkdir()
    (folder / "legislators-current.json").write_text(json.dumps(members))
    return folder


def test_restoring_the_good_congress_file_after_a_cut_one_was_approved_adds_no_second_term(
    loaded, tmp_path, staff_user
):
    members = json.loads((loaded / "congress-legislators" / "legislators-current.json").read_text())
    current = Term.objects.current().filter(office__role__in=[OfficeRole.US_SENATE, OfficeRole.US_HOUSE])
    before, terms_before = current.count(), Term.objects.count()
    import_congress(source=str(congress_folder(tmp_path, members[:269], "cut")))
    for change in PendingChange.objects.filter(kind=PendingChange.Kind.END_TERM, status="held"):
        pending_change_approve(change=change, user=staff_user)  # staff accepted the cut file
    assert current.count() == before - 268

    import_congress(source=str(congress_folder(tmp_path, members, "good")))
    assert current.count() == before
    assert Term.objects.count() == terms_before  # the same terms reopened, none added
    assert not Term.objects.filter(
        end__isnull=False,
        office__role=OfficeRole.US_HOUSE,
        person__bioguide_id__in=[m["id"]["bioguide"] for m in members[269:]],
    ).exists()


def test_a_zip_map_cut_in_half_is_held_as_a_whole(loaded, tmp_path):
    zccd = loaded / "zip-districts" / "zccd.csv"
    officials_refresh(sources={"zip_districts": str(zccd)}, notify=False)
    rows = ZipDivision.objects.count()
    lines = zccd.read_text().splitlines()
    cut = tmp_path / "zccd.csv"
    cut.write_text("\n".join(lines[: len(lines) // 2]) + "\n")
    run = officials_refresh(sources={"zip_districts": str(cut)}, notify=False)
    assert ZipDivision.objects.count() == rows
    assert run.held_sources == ["zip_districts"]
    change = PendingChange.objects.get(kind=PendingChange.Kind.SOURCE)
    assert change.field == "the whole zip_districts source"


def test_switching_between_the_curated_folder_and_upstream_adds_no_duplicate_or_retroactive_term(
    loaded, tmp_path, serve
):
    folder = tmp_path / "gh"
    folder.mkdir()
    people_tarball(folder / "main.tar.gz", shared_executive_files(loaded))
    upstream = {"executives": serve(folder) + "main.tar.gz"}
    curated = {**sources_from_dir(loaded), "divisions": "", "congress": "", "zip_districts": ""}
    for sources in (upstream, curated, upstream, curated):
        officials_refresh(sources=sources, notify=False)
    newsom = Term.objects.filter(office__title="Governor of California", person__name="Gavin Newsom")
    assert newsom.count() == 1
    assert newsom.get().end is None or newsom.get().end > TODAY


def test_the_upstream_repository_data_folder_is_read_as_it_is(loaded, tmp_path):
    data = tmp_path / "data"
    for path in sorted((loaded / "state-executives" / "openstates-executive").glob("*/*.yml")):
        target = data / path.parent.name / "executive" / path.name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    (data / "ak" / "municipalities.yml").write_text("- name: Anchorage\n  id: ocd-jurisdiction/x\n")
    (data / "ak" / "legislature").mkdir()
    (data / "ak" / "legislature" / "Someone.yml").write_text("id: ocd-person/x\nname: Someone\nroles: []\n")
    result = import_openstates_executives(source=data)
    assert result.counts["unchanged"] > 500
    assert not result.warnings or all("municipalities" not in w for w in result.warnings)


def test_a_truncated_tarball_is_a_clear_failure_naming_the_source(loaded, tmp_path, serve):
    folder = tmp_path / "gh"
    folder.mkdir()
    whole = people_tarball(tmp_path / "whole.tar.gz", shared_executive_files(loaded)).read_bytes()
    (folder / "main.tar.gz").write_bytes(whole[: len(whole) // 2])
    with pytest.raises(RefreshFailed) as caught:
        officials_refresh(sources={"executives": serve(folder) + "main.tar.gz"}, notify=False)
    assert str(caught.value).startswith("executives (")
    assert "not a readable .tar.gz" in str(caught.value)
    run = RefreshRun.objects.latest("started_at")
    assert run.status == RefreshRun.Status.FAILED
    assert run.error.startswith("executives (")


def test_office_titles_are_stored_in_english_whatever_language_is_active(loaded, tmp_path, serve):
    from django.utils import translation

    folder = tmp_path / "gh"
    folder.mkdir()
    people_tarball(folder / "main.tar.gz", shared_executive_files(loaded))
    Office.objects.filter(title="Governor of Ohio").update(title="Governor of OH")
    with translation.override("es"):  # a staff member approving a source from a Spanish session
        officials_refresh(sources={"executives": serve(folder) + "main.tar.gz"}, notify=False)
    assert Office.objects.filter(title="Governor of Ohio").exists()
    assert not Office.objects.filter(title__startswith="Gobernador").exists()


def test_downloads_say_who_is_asking(tmp_path):
    from officials.importers.sources import USER_AGENT, read_source

    seen = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (the http.server API)
            seen.append(self.headers.get("User-Agent"))
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        assert read_source(f"http://127.0.0.1:{server.server_address[1]}/x.csv") == b"ok"
    finally:
        server.shutdown()
        server.server_close()
    assert seen == [USER_AGENT]


def test_upstream_addresses_lose_stray_spaces_and_semicolons():
    from officials.importers.executive_contacts import tidy_address

    assert tidy_address("20301 Mail Service Center; Raleigh, NC 27699-0301;") == (
        "20301 Mail Service Center, Raleigh, NC 27699-0301"
    )
    assert tidy_address("P.O. Box 110015; ; Juneau, AK  99811-0001") == "P.O. Box 110015, Juneau, AK 99811-0001"


# -- incoming officeholders in bulk -------------------------------------------------
INCOMING = (
    "state,role,name,party,first_day,photo_url,phone,contact_form,email\n"
    "AK,governor,Pat Example,Independent,2026-12-07,,907-465-0000,,\n"
    "AK,attorney general,Sam Sample,Republican,2026-12-07,https://example.org/sam.jpg,,,ag@example.org\n"
)


def test_staff_enter_many_incoming_officeholders_from_a_csv(loaded, tmp_path):
    csv_file = tmp_path / "incoming.csv"
    csv_file.write_text(INCOMING)
    out = StringIO()
    call_command("import_incoming_officeholders", str(csv_file), stdout=out)
    assert "2 entered, 0 updated" in out.getvalue()
    day = datetime.date(2026, 12, 8)
    holders = dict(
        Term.objects.current(on=day)
        .filter(office__division__state="AK", office__role__in=[OfficeRole.GOVERNOR, OfficeRole.ATTORNEY_GENERAL])
        .values_list("office__role", "person__name")
    )
    assert holders == {OfficeRole.GOVERNOR: "Pat Example", OfficeRole.ATTORNEY_GENERAL: "Sam Sample"}
    call_command("import_incoming_officeholders", str(csv_file), stdout=out)
    assert "0 entered, 2 updated" in out.getvalue()
    assert IncomingOfficeholder.objects.count() == 2


def test_a_bad_row_names_the_row_and_writes_nothing(loaded, tmp_path):
    csv_file = tmp_path / "incoming.csv"
    csv_file.write_text(INCOMING + "ZZ,governor,Nobody,,2027-01-04,,,,\n")
    with pytest.raises(CommandError, match=r"row 4, field 'state'"):
        call_command("import_incoming_officeholders", str(csv_file))
    assert not IncomingOfficeholder.objects.exists()
    csv_file.write_text(INCOMING.replace("907-465-0000", "12"))
    with pytest.raises(CommandError, match=r"row 2, field 'phone'"):
        call_command("import_incoming_officeholders", str(csv_file))
    assert not Office.objects.filter(title="Governor of Alaska", terms__person__name="Pat Example").exists()


def test_source_dir_reads_clones_of_the_upstream_repositories(db, shared_data, tmp_path, travel):
    """ocd-division-ids/identifiers/country-us (states.csv, census_autogenerated/...), congress-legislators, people/data."""
    travel(TODAY)
    country = tmp_path / "ocd-division-ids" / "identifiers" / "country-us"
    (country / "census_autogenerated").mkdir(parents=True)
    shutil.copyfile(shared_data / "ocd-divisions" / "us-states.csv", country / "states.csv")
    shutil.copyfile(
        shared_data / "ocd-divisions" / "us-congressional-districts.csv",
        country / "census_autogenerated" / "us_congressional_districts.csv",
    )
    (tmp_path / "congress-legislators").symlink_to(shared_data / "congress-legislators")
    from officials.importers import import_divisions

    # Upstream keeps no territories list: without one the divisions still load, with a warning ...
    assert any("us-territories.csv: not found" in w for w in import_divisions(source=country, dry_run=True).warnings)
    # ... and the operator adds the public data's list beside states.csv for the territories' officials.
    shutil.copyfile(shared_data / "ocd-divisions" / "us-territories.csv", country / "us-territories.csv")
    for relative, data in shared_executive_files(shared_data).items():
        target = tmp_path / "people" / relative.split("/", 1)[1]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    sources = {**sources_from_dir(tmp_path), "zip_districts": ""}
    assert sources["executives"].endswith("people/data")
    run = officials_refresh(sources=sources, notify=False)
    assert run.status == RefreshRun.Status.SUCCEEDED
    assert Term.objects.current().filter(office__title="Attorney General of Missouri").exists()


def test_import_congress_on_the_csv_export_says_what_to_give_instead(db, shared_data):
    with pytest.raises(CommandError, match=r"legislators-current.csv.*the CSV export is not read"):
        call_command("import_congress", str(shared_data / "congress-legislators" / "legislators-current.csv"))


def test_the_weekly_task_logs_an_unexpected_failure_instead_of_dying(monkeypatch, caplog):
    from officials import tasks

    def boom(**kwargs):
        raise EOFError("Compressed file ended before the end-of-stream marker was reached")

    monkeypatch.setattr(tasks, "officials_refresh", boom)
    tasks.refresh_officials_task.run()
    assert "failed unexpectedly" in caplog.text
