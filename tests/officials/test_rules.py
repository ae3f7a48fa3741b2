"""Rules officials owns for everyone: an office's state, and which divisions are state-level."""

import pytest

from officials.importers.ocd import division_fields, state_names
from officials.models import STATE_LEVEL_KINDS, Division, OfficeRole
from tests.factories.officials import DivisionFactory, OfficeFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("ocd_id", "kind", "state", "expected"),
    [
        ("ocd-division/country:us/state:mo/cd:3", Division.Kind.CONGRESSIONAL_DISTRICT, "MO", "MO"),
        ("ocd-division/country:us/state:mo", Division.Kind.STATE, "MO", "MO"),
        ("ocd-division/country:us/district:dc", Division.Kind.DISTRICT, "DC", "DC"),
        ("ocd-division/country:us/territory:pr", Division.Kind.TERRITORY, "PR", "PR"),
        ("ocd-division/country:us", Division.Kind.COUNTRY, "", "US"),
    ],
)
def test_an_office_state_is_its_division_state_else_us(ocd_id, kind, state, expected):
    office = OfficeFactory(division=DivisionFactory(ocd_id=ocd_id, kind=kind, state=state))

    assert office.state_code == expected


def test_an_organisation_without_a_division_is_national():
    office = OfficeFactory(role=OfficeRole.ORGANISATION, name="U.S. Department of Justice", division=None)

    assert office.state_code == "US"


@pytest.mark.parametrize(
    ("ocd_id", "kind", "state"),
    [
        ("ocd-division/country:us/state:mo", "state", "MO"),
        ("ocd-division/country:us/territory:gu", "territory", "GU"),
        ("ocd-division/country:us/district:dc", "district", "DC"),
        ("ocd-division/country:us/state:mo/cd:3", "cd", "MO"),
        ("ocd-division/country:us/district:dc/cd:at-large", "cd", "DC"),
        ("ocd-division/country:us", "country", ""),
    ],
)
def test_the_state_level_kinds_are_the_ocd_types_that_carry_a_state(ocd_id, kind, state):
    assert division_fields(ocd_id)[:2] == (kind, state)
    assert (kind in STATE_LEVEL_KINDS) == (ocd_id.count("/") == 2)


def test_state_names_come_from_state_level_divisions_only():
    divisions = [
        Division(ocd_id="ocd-division/country:us/state:mo", name="Missouri", kind="state", state="MO"),
        Division(
            ocd_id="ocd-division/country:us/district:dc", name="District of Columbia", kind="district", state="DC"
        ),
        Division(ocd_id="ocd-division/country:us/territory:gu", name="Guam", kind="territory", state="GU"),
        Division(ocd_id="ocd-division/country:us/state:mo/cd:1", name="MO-1", kind="cd", state="MO"),
    ]

    assert state_names(divisions) == {"MO": "Missouri", "DC": "District of Columbia", "GU": "Guam"}
