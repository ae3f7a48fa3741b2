"""Importer behaviour on small files: validation, dry runs, URLs, idempotency, phones."""

import functools
import http.server
import json
import shutil
import threading
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from officials.importers import (
    ImportFileError,
    import_congress,
    import_divisions,
    import_state_executives,
    import_zip_districts,
)
from officials.models import ContactPoint, ContactPointChange, Division, Office, Person, Term, ZipDivision
from officials.services import DEMO_DATA_DIR


@pytest.fixture
def demo_dir(tmp_path):
    """A writable copy of the built-in Missouri extract (same formats as ../shared/data)."""
    target = tmp_path / "data"
    shutil.copytree(DEMO_DATA_DIR, target)
    return target


@pytest.fixture
def divisions(db, demo_dir):
    import_divisions(source=demo_dir)


def counts():
    return tuple(m.objects.count() for m in (Division, Office, Person, Term, ContactPoint, ZipDivision))


def test_a_zip_file_with_a_bad_header_is_rejected_naming_file_row_and_field(divisions, tmp_path):
    bad = tmp_path / "zccd.csv"
    bad.write_text("state,zip,district\nMO,65101,3\n")
    with pytest.raises(ImportFileError) as exc:
        import_zip_districts(source=bad)
    assert (exc.value.file, exc.value.row, exc.value.field) == (str(bad), 1, "header")
    assert ZipDivision.objects.count() == 0


def test_one_bad_row_rejects_the_whole_zip_file_and_writes_nothing(divisions, demo_dir):
    path = demo_dir / "zccd.csv"
    path.write_text(path.read_text() + "29,MO,6510x,3\n")
    with pytest.raises(ImportFileError) as exc:
        import_zip_districts(source=path)
    assert exc.value.field == "zcta"
    assert exc.value.row == len(path.read_text().splitlines())
    assert "6510x" in str(exc.value)
    assert ZipDivision.objects.count() == 0


def test_a_zip_row_for_an_unknown_district_is_rejected(divisions, demo_dir):
    path = demo_dir / "zccd.csv"
    path.write_text(path.read_text() + "29,MO,65101,42\n")
    with pytest.raises(ImportFileError, match="state:mo/cd:42"):
        import_zip_districts(source=path)


def test_zctas_that_lost_their_leading_zeros_get_them_back(db, tmp_path):
    Division.objects.create(ocd_id="ocd-division/country:us/state:ma/cd:1", name="MA-1", kind="cd", state="MA")
    path = tmp_path / "zccd.csv"
    path.write_text("state_fips,state_abbr,zcta,cd\n25,MA,1001,1\n")
    import_zip_districts(source=path)
    assert ZipDivision.objects.get().zcta == "01001"


def test_the_import_command_fails_with_a_message_and_a_nonzero_exit(divisions, tmp_path):
    bad = tmp_path / "zccd.csv"
    bad.write_text("state_fips,state_abbr,zcta,cd\n29,MO,65101,three\n")
    with pytest.raises(CommandError, match=r"row 2, field 'cd'"):
        call_command("import_zip_districts", str(bad), "--no-progress", stdout=StringIO(), stderr=StringIO())
    assert ZipDivision.objects.count() == 0


def test_a_malformed_congress_record_writes_nothing(divisions, demo_dir):
    path = demo_dir / "legislators-current.json"
    records = json.loads(path.read_text())
    records[3]["terms"][-1]["district"] = "three"
    path.write_text(json.dumps(records))
    before = counts()
    with pytest.raises(ImportFileError) as exc:
        import_congress(source=str(demo_dir))
    assert (exc.value.row, exc.value.field) == (4, "terms[-1].district")
    assert counts() == before


def test_a_bad_executive_row_names_the_field(divisions, demo_dir):
    path = demo_dir / "state-executives.csv"
    path.write_text(path.read_text().replace("2025-09-08", "8 Sept 2025"))
    with pytest.raises(ImportFileError) as exc:
        import_state_executives(source=path)
    assert (exc.value.row, exc.value.field) == (3, "start_date")
    assert Person.objects.count() == 0


def test_a_dry_run_counts_everything_and_saves_nothing(divisions, demo_dir):
    result = import_congress(source=str(demo_dir), dry_run=True)
    assert result.created > 0
    assert result.summary().startswith("[dry run, nothing saved]")
    assert Person.objects.count() == 0


def test_the_commands_import_then_say_a_second_run_changed_nothing(db, demo_dir):
    out = StringIO()
    for command, source in [
        ("import_divisions", demo_dir),
        ("import_congress", demo_dir),
        ("import_zip_districts", demo_dir / "zccd.csv"),
        ("import_state_executives", demo_dir / "state-executives.csv"),
    ]:
        call_command(command, str(source), "--no-progress", stdout=out, stderr=StringIO())
        out = StringIO()
        call_command(command, str(source), "--no-progress", stdout=out, stderr=StringIO())
        assert "0 created, 0 updated, 0 ended" in out.getvalue()
        assert "nothing to change" in out.getvalue()


def test_an_unparseable_phone_is_left_out_and_reported(divisions, demo_dir):
    path = demo_dir / "legislators-district-offices.json"
    records = json.loads(path.read_text())
    office = records[0]["offices"][0]
    office["phone"] = "555-0000"
    path.write_text(json.dumps(records))
    result = import_congress(source=str(demo_dir))
    assert any("555-0000" in w and office["id"] in w for w in result.warnings)
    cp = ContactPoint.objects.get(source_key=f"congress:{office['id']}")
    assert cp.kind == ContactPoint.Kind.POSTAL  # kept as an address, not as a broken number
    assert not ContactPoint.objects.filter(value__contains="555").exists()


def test_a_changed_phone_is_updated_and_the_change_recorded(divisions, demo_dir):
    import_congress(source=str(demo_dir))
    path = demo_dir / "legislators-current.json"
    records = json.loads(path.read_text())
    bioguide = records[0]["id"]["bioguide"]
    records[0]["terms"][-1]["phone"] = "202-225-0001"
    path.write_text(json.dumps(records))
    result = import_congress(source=str(demo_dir))
    assert result.detail[("contact point", "updated")] == 1
    cp = ContactPoint.objects.get(source_key=f"congress:{bioguide}:dc-phone")
    assert cp.value == "+12022250001"
    change = ContactPointChange.objects.get(contact_point=cp)
    assert change.changed_by is None
    assert change.new_value == "+12022250001"


def test_a_district_office_that_closed_is_retired_not_deleted(divisions, demo_dir):
    import_congress(source=str(demo_dir))
    path = demo_dir / "legislators-district-offices.json"
    records = json.loads(path.read_text())
    closed = records[0]["offices"].pop(0)
    path.write_text(json.dumps(records))
    result = import_congress(source=str(demo_dir))
    assert result.ended == 1
    cp = ContactPoint.objects.get(source_key=f"congress:{closed['id']}")
    assert cp.is_active is False


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def http_root(demo_dir):
    handler = functools.partial(_QuietHandler, directory=str(demo_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def test_every_importer_reads_from_an_http_url(db, http_root):
    import_divisions(source=http_root)
    result = import_congress(source=http_root)
    assert result.detail[("person", "created")] == 10
    import_zip_districts(source=http_root + "zccd.csv")
    import_state_executives(source=http_root + "state-executives.csv")
    assert Term.objects.current().filter(office__title="Attorney General of Missouri").exists()
    assert ZipDivision.objects.filter(zcta="65101").exists()


def test_a_missing_url_is_a_clear_error(db, http_root):
    with pytest.raises(ImportFileError, match="HTTP 404"):
        import_zip_districts(source=http_root + "nope.csv")
