"""The lookup cache never shows a stale holder or number after a write."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from officials.models import ContactPoint, Term
from officials.selectors import officials_for_zip
from officials.services import contact_point_fix
from tests.factories.officials import PersonFactory, TermFactory, missouri_officials


@pytest.fixture
def missouri(db):
    return missouri_officials()


def holders(lookup):
    return [(e.office.pk, e.person.name if e.person else None) for e in lookup.entries]


def test_a_repeated_lookup_needs_one_query_and_matches_the_uncached_one(missouri):
    first = officials_for_zip(zip_code="65101")
    with CaptureQueriesContext(connection) as queries:
        again = officials_for_zip(zip_code="65101")
    assert len(queries) == 1  # the ZIP's districts; the offices come from the cache
    assert holders(again) == holders(first) == holders(officials_for_zip(zip_code="65101", use_cache=False))


def test_a_new_holder_shows_at_once(missouri):
    officials_for_zip(zip_code="65101")
    office = missouri["attorney_general"]
    Term.objects.filter(office=office).update(end=datetime.date(2026, 1, 1))
    TermFactory(office=office, person=PersonFactory(name="Next Attorney General"))  # a save: signals
    ag = officials_for_zip(zip_code="65101").for_roles(["attorney_general"])[0]
    assert ag.person.name == "Next Attorney General"


def test_a_fixed_number_shows_at_once(missouri, staff_user):
    officials_for_zip(zip_code="65101")
    cp = ContactPoint.objects.get(value="+15737513321")
    contact_point_fix(contact_point=cp, changed_by=staff_user, value="573-751-0000")
    ag = officials_for_zip(zip_code="65101").for_roles(["attorney_general"])[0]
    assert ag.main_phone.value == "+15737510000"


def test_an_import_invalidates_the_cache(db, tmp_path):
    from officials.importers import import_divisions, import_state_executives
    from officials.services import DEMO_DATA_DIR

    import_divisions(source=DEMO_DATA_DIR)
    csv_path = tmp_path / "execs.csv"
    csv_path.write_text((DEMO_DATA_DIR / "state-executives.csv").read_text())
    import_state_executives(source=csv_path)
    assert officials_for_zip(zip_code="65101").for_roles(["attorney_general"])[0].main_phone.value == "+15737513321"
    csv_path.write_text(csv_path.read_text().replace("573-751-3321", "573-751-9999"))
    import_state_executives(source=csv_path)
    ag = officials_for_zip(zip_code="65101").for_roles(["attorney_general"])[0]
    assert ag.main_phone.value == "+15737519999"


def test_entries_handed_out_are_copies(missouri):
    first = officials_for_zip(zip_code="65101")
    first.entries[0].contact_points = []
    assert officials_for_zip(zip_code="65101").entries[0].contact_points
