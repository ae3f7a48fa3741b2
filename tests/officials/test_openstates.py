"""The Open States executive YAML importer, against the real sample of person files."""

import datetime
import shutil
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from officials.importers import ImportFileError, import_divisions, import_openstates_executives, import_state_executives
from officials.models import ContactPoint, Office, Term

EXECUTIVE_ROLES = ["governor", "attorney_general", "secretary_of_state"]
# The only offices where the derived CSV and its YAML disagree: the CSV's curators overrode an end
# date that passed in the source ("end_date wrong: still in office", "check whether reappointed").
CURATED_IN_THE_CSV = {
    "Governor of California",
    "Mayor of the District of Columbia",
    "Attorney General of New Hampshire",
}


@pytest.fixture
def executives(db, shared_data, travel):
    travel(datetime.date(2026, 11, 29))
    import_divisions(source=shared_data / "ocd-divisions")
    return shared_data / "state-executives"


def officials():
    """Office title -> (holder, Open States id, start, end, party, photo, the office's active contact points)."""
    out = {}
    for office in Office.objects.filter(role__in=EXECUTIVE_ROLES):
        term = Term.objects.current().filter(office=office).select_related("person").order_by("-start").first()
        points = sorted(
            (cp.kind, cp.value, cp.label, cp.address, cp.person_id)
            for cp in ContactPoint.objects.filter(office=office, is_active=True)
        )
        holder = (
            (term.person.name, term.person.openstates_id, term.start, term.end, term.party, term.person.photo_url)
            if term
            else None
        )
        out[office.title] = (holder, points)
    return out


def test_it_and_the_csv_importer_give_the_same_officials(executives):
    savepoint = transaction.savepoint()
    import_state_executives(
        source=executives / "state-executives.csv",
        governor_updates=executives / "governor-updates-pr3367-unmerged.csv",
    )
    from_csv = officials()
    transaction.savepoint_rollback(savepoint)

    result = import_openstates_executives(
        source=executives / "openstates-executive", updates=executives / "openstates-pr3367-unmerged"
    )
    from_yaml = officials()
    assert result.created > 500
    differ = {title for title in set(from_csv) | set(from_yaml) if from_csv.get(title) != from_yaml.get(title)}
    assert differ == CURATED_IN_THE_CSV
    assert len(from_yaml) >= 95
    assert from_yaml["Governor of Missouri"][0][0] == "Mike Kehoe"  # from the updates folder


def test_roles_dates_offices_webforms_and_party_are_read(executives):
    import_openstates_executives(source=executives / "openstates-executive")
    alaska = Office.objects.get(title="Governor of Alaska")
    term = Term.objects.select_related("person").get(office=alaska)
    assert (term.person.name, term.start, term.end, term.party) == (
        "Mike Dunleavy",
        datetime.date(2018, 12, 3),
        datetime.date(2026, 12, 7),
        "Republican",
    )
    points = {cp.kind: cp for cp in alaska.contact_points.filter(is_active=True)}
    assert points["phone"].value == "+19074653500"
    assert points["phone"].address == "State Capitol, P.O. Box 110001, Juneau, AK 99811-0001"
    assert points["fax"].value == "+19074653532"
    assert points["form"].value == "http://aws.state.ak.us/CrmForms/Home/Feedback"  # the link noted "webform"
    assert all(cp.person_id is None for cp in points.values())


def test_running_it_again_changes_nothing(executives):
    import_openstates_executives(source=executives / "openstates-executive")
    again = import_openstates_executives(source=executives / "openstates-executive")
    assert (again.created, again.updated, again.ended) == (0, 0, 0), again.summary()
    assert "nothing to change" in again.summary()


def test_it_reads_the_folder_from_a_url(executives, serve):
    base = serve(executives)
    result = import_openstates_executives(
        source=base + "openstates-executive/", updates=base + "openstates-pr3367-unmerged/"
    )
    from_url = officials()
    assert result.created > 500
    again = import_openstates_executives(
        source=executives / "openstates-executive", updates=executives / "openstates-pr3367-unmerged"
    )
    assert not again.changed, again.summary()
    assert officials() == from_url


def test_a_malformed_file_names_the_file_and_field_and_writes_nothing(executives, tmp_path):
    folder = tmp_path / "executive"
    shutil.copytree(executives / "openstates-executive" / "mo", folder / "mo")
    bad = folder / "mo" / "Catherine-Hanaway-c2f94a50-d59c-4c56-abe6-2eebbce40a68.yml"
    bad.write_text(bad.read_text().replace("start_date: '2025-09-08'", "start_date: '2025-13-45'"))
    with pytest.raises(ImportFileError) as caught:
        import_openstates_executives(source=folder)
    assert "Catherine-Hanaway" in caught.value.file
    assert (caught.value.row, caught.value.field) == ("roles[0]", "start_date")
    assert not Office.objects.filter(role__in=EXECUTIVE_ROLES).exists()


def test_the_command_reads_a_folder(executives):
    out = StringIO()
    call_command("import_openstates_executives", str(executives / "openstates-executive"), "--no-progress", stdout=out)
    assert "state executives (Open States):" in out.getvalue()
    assert Office.objects.filter(title="Attorney General of Missouri").exists()


def test_it_reads_a_tarball_of_the_upstream_repository(executives, serve, tmp_path):
    """The default upstream location is a .tar.gz of openstates/people: the same files, in data/<st>/executive/."""
    import tarfile

    served = tmp_path / "served"
    served.mkdir()
    with tarfile.open(served / "main.tar.gz", "w:gz") as archive:
        for path in sorted((executives / "openstates-executive").glob("*/*.yml")):
            archive.add(path, arcname=f"people-main/data/{path.parent.name}/executive/{path.name}")
        # Legislators sit beside them upstream and are not read.
        legislator = next((executives / "openstates-executive" / "mo").glob("*.yml"))
        archive.add(legislator, arcname="people-main/data/mo/legislature/Someone.yml")
    result = import_openstates_executives(source=serve(served) + "main.tar.gz")
    from_tarball = officials()
    assert result.created > 500
    again = import_openstates_executives(source=executives / "openstates-executive")
    assert not again.changed, again.summary()
    assert officials() == from_tarball


def test_a_broken_tarball_is_a_clear_error(executives, serve, tmp_path):
    (tmp_path / "main.tar.gz").write_bytes(b"not a tarball")
    with pytest.raises(ImportFileError, match="not a readable .tar.gz"):
        import_openstates_executives(source=serve(tmp_path) + "main.tar.gz")


def test_the_command_imports_only_the_roles_asked_for(executives):
    call_command(
        "import_openstates_executives",
        str(executives / "openstates-executive"),
        "--roles",
        "Governor",
        "--no-progress",
        stdout=StringIO(),
        stderr=StringIO(),
    )

    assert set(Office.objects.filter(role__in=EXECUTIVE_ROLES).values_list("role", flat=True)) == {"governor"}
