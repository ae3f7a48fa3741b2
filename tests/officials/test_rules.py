"""Rules officials owns for everyone (an office's state, which divisions are state-level) and its boundaries."""

import ast
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from rest_framework.exceptions import APIException

from officials.importers.ocd import division_fields, state_names
from officials.models import STATE_LEVEL_KINDS, Division, OfficeRole
from officials.selectors import office_entry
from officials.services import wrong_number_report_create
from tests.factories.officials import ContactPointFactory, DivisionFactory, OfficeFactory

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


# ------------------------------------------------------------------------------
# Boundaries: officials sits below the features and its domain layer knows no HTTP
# ------------------------------------------------------------------------------
OFFICIALS = Path(__file__).resolve().parents[2] / "officials"
FEATURE_APPS = {"campaigns", "tallies", "reminders", "rally"}


def imported_modules(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            modules |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
    return modules


def test_officials_imports_no_feature_app():
    offenders = {
        str(path.relative_to(OFFICIALS)): sorted(m for m in imported_modules(path) if m.split(".")[0] in FEATURE_APPS)
        for path in OFFICIALS.rglob("*.py")
    }

    assert {path: modules for path, modules in offenders.items() if modules} == {}


def test_the_officials_domain_layer_raises_no_http_errors():
    domain = [OFFICIALS / "selectors.py", OFFICIALS / "services.py", OFFICIALS / "refresh.py"]
    domain += sorted((OFFICIALS / "importers").glob("*.py"))
    web = ("rest_framework", "django.http", "django.shortcuts")

    assert [p.name for p in domain if any(m.startswith(web) for m in imported_modules(p))] == []


def test_an_unknown_office_is_none_for_the_view_to_map():
    assert office_entry(office_id=987654) is None


def test_a_bad_wrong_number_report_is_a_plain_validation_error():
    contact_point = ContactPointFactory()

    with pytest.raises(ValidationError) as caught:
        wrong_number_report_create(contact_point=contact_point, reporter=None, reason="  ")

    assert not isinstance(caught.value, APIException)
    assert "reason" in caught.value.message_dict
