"""Reads: a caller's officials from their ZIP, an office's current holder and contact points."""

import re
from dataclasses import dataclass, field

import zipcodes
from django.core.exceptions import ValidationError
from django.db.models import Prefetch

from .models import ContactPoint, Division, Office, OfficeRole, Person, Term, ZipDivision

ZIP_RE = re.compile(r"^\s*(\d{5})(?:-?\d{4})?\s*$")

# Display order of roles on a caller's list.
ROLE_ORDER = [
    OfficeRole.US_SENATE,
    OfficeRole.US_HOUSE,
    OfficeRole.GOVERNOR,
    OfficeRole.ATTORNEY_GENERAL,
    OfficeRole.SECRETARY_OF_STATE,
    OfficeRole.STATE_UPPER,
    OfficeRole.STATE_LOWER,
    OfficeRole.ORGANISATION,
]


class InvalidZipCode(ValidationError):
    pass


def normalise_zip(zip_code: str) -> str:
    """The 5-digit ZIP of a ZIP or ZIP+4, or InvalidZipCode."""
    match = ZIP_RE.match(zip_code or "")
    if not match:
        raise InvalidZipCode("Enter a 5-digit ZIP code or ZIP+4, for example 65101 or 65101-1234.")
    return match.group(1)


def state_for_zip(zip5: str) -> str | None:
    """The state of a ZIP from the USPS list shipped in the `zipcodes` package (works offline)."""
    try:
        matches = zipcodes.matching(zip5)
    except (TypeError, ValueError):
        return None
    return matches[0]["state"] if matches else None


@dataclass
class OfficialEntry:
    """One office on a caller's list, with whoever holds it today and how to reach them."""

    office: Office
    person: Person | None
    term: Term | None
    contact_points: list[ContactPoint] = field(default_factory=list)

    @property
    def role(self) -> str:
        return self.office.role

    @property
    def phones(self) -> list[ContactPoint]:
        return [cp for cp in self.contact_points if cp.kind == ContactPoint.Kind.PHONE]

    @property
    def main_phone(self) -> ContactPoint | None:
        phones = self.phones
        return phones[0] if phones else None

    @property
    def contact_form(self) -> ContactPoint | None:
        return next((cp for cp in self.contact_points if cp.kind == ContactPoint.Kind.CONTACT_FORM), None)


@dataclass
class OfficialsLookup:
    zip5: str
    state: str | None
    # Congressional districts the ZIP touches; more than one means `split`.
    districts: list[Division]
    # The district the caller chose among them, if any.
    chosen_district: Division | None
    entries: list[OfficialEntry]

    @property
    def split(self) -> bool:
        return len(self.districts) > 1 and self.chosen_district is None

    @property
    def representative_known(self) -> bool:
        return len(self.districts) == 1 or self.chosen_district is not None

    def for_roles(self, roles) -> list[OfficialEntry]:
        return [entry for entry in self.entries if entry.role in roles]


def _entries_for_offices(offices) -> list[OfficialEntry]:
    """Current holder and active contact points for each office, in a fixed number of queries."""
    current_terms = Term.objects.current().select_related("person")
    offices = list(
        offices.select_related("division").prefetch_related(
            Prefetch("terms", queryset=current_terms, to_attr="current_terms"),
            Prefetch("contact_points", queryset=ContactPoint.objects.active(), to_attr="active_contact_points"),
        )
    )
    entries = []
    for office in offices:
        term = office.current_terms[0] if office.current_terms else None
        person = term.person if term else None
        points = [
            cp for cp in office.active_contact_points if cp.person_id is None or cp.person_id == (person and person.pk)
        ]
        entries.append(OfficialEntry(office=office, person=person, term=term, contact_points=points))
    entries.sort(key=lambda e: (ROLE_ORDER.index(e.role), e.office.seat, e.office.title))
    return entries


def office_entries(*, offices) -> list[OfficialEntry]:
    """Entries for fixed offices (for example the Department of Justice)."""
    return _entries_for_offices(Office.objects.filter(pk__in=[o.pk for o in offices]))


def officials_for_zip(*, zip_code: str, district_ocd_id: str = "") -> OfficialsLookup:
    """A caller's officials from a ZIP or ZIP+4.

    When the ZIP spans several congressional districts every candidate representative is
    listed (`split`), unless `district_ocd_id` names one of them. A ZIP missing from the
    district table still gives the state's officials, through the state of that ZIP.
    """
    zip5 = normalise_zip(zip_code)
    rows = list(ZipDivision.objects.filter(zcta=zip5).select_related("division"))
    districts = [row.division for row in rows]
    state = rows[0].state if rows else state_for_zip(zip5)
    chosen = next((d for d in districts if d.ocd_id == district_ocd_id), None) if district_ocd_id else None
    house_districts = [chosen] if chosen else districts

    state_divisions = (
        Division.objects.filter(state=state, kind__in=["state", "territory", "district"])
        if state
        else Division.objects.none()
    )
    offices = Office.objects.filter(is_active=True).filter(division__in=list(state_divisions) + house_districts)
    return OfficialsLookup(
        zip5=zip5, state=state, districts=districts, chosen_district=chosen, entries=_entries_for_offices(offices)
    )
