import time
from io import StringIO

from officials.models import ContactPoint, Office, OfficeRole, Term, ZipDivision
from officials.selectors import officials_for_zip
from officials.services import officials_load_demo


def test_without_public_data_the_demo_loads_missouri_and_the_department_of_justice(db, tmp_path):
    out = StringIO()
    officials_load_demo(data_dir=tmp_path / "nothing-here", stdout=out)
    assert "built-in Missouri set" in out.getvalue()
    lookup = officials_for_zip(zip_code="65101")
    names = {(e.role, e.person.name) for e in lookup.entries}
    assert {
        (OfficeRole.US_SENATE, "Josh Hawley"),
        (OfficeRole.US_SENATE, "Eric Schmitt"),
        (OfficeRole.US_HOUSE, "Robert F. Onder, Jr."),
        (OfficeRole.GOVERNOR, "Mike Kehoe"),
        (OfficeRole.ATTORNEY_GENERAL, "Catherine Hanaway"),
    } == names
    assert lookup.for_roles([OfficeRole.ATTORNEY_GENERAL])[0].main_phone.value == "+15737513321"
    doj = Office.objects.organisations().get(name="U.S. Department of Justice")
    assert set(doj.contact_points.values_list("kind", "value")) == {
        (ContactPoint.Kind.CONTACT_FORM, "https://www.justice.gov/contact-us"),
        (ContactPoint.Kind.PHONE, "+12025142000"),
    }
    assert ZipDivision.objects.filter(zcta="64105").exists()  # the demo caller's ZIP


def test_a_second_demo_load_changes_nothing(db, tmp_path):
    officials_load_demo(data_dir=None)
    counts = (Office.objects.count(), Term.objects.count(), ContactPoint.objects.count())
    out = StringIO()
    officials_load_demo(data_dir=None, stdout=out)
    assert "nothing to change" in out.getvalue()
    assert (Office.objects.count(), Term.objects.count(), ContactPoint.objects.count()) == counts


def test_the_demo_loads_the_public_data_when_it_is_there_and_a_second_start_is_quick(db, shared_data):
    started = time.monotonic()
    out = StringIO()
    officials_load_demo(data_dir=shared_data, stdout=out)
    first = time.monotonic() - started
    assert "public data" in out.getvalue()
    assert Term.objects.current().filter(office__role=OfficeRole.US_SENATE).count() == 100
    assert first < 60
    started = time.monotonic()
    out = StringIO()
    officials_load_demo(data_dir=shared_data, stdout=out)
    assert "nothing to change" in out.getvalue()
    assert time.monotonic() - started < first
